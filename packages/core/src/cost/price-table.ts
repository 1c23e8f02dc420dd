/**
 * The price table shipped with llmeter, read by the `llmeter.client.cost` metric
 * (design/TELEMETRY.md, "Cost"). It is never fetched over the network;
 * users override or extend it with the `prices` option or `LLMETER_PRICES_FILE`.
 *
 * Conventions:
 * - USD per 1M tokens, standard (synchronous, non-batch, non-priority) tier.
 * - Keys are base model names in lower case as the provider's API names them;
 *   `lookupPrice()` in ./model-names resolves dated snapshots and vendor-decorated
 *   names (Bedrock, Vertex, OpenRouter, `models/…`) to these keys.
 * - `cachedInput` is omitted where the provider publishes no cache-read rate
 *   (cached tokens are then billed at `input`). `cacheWrite` is Anthropic's
 *   5-minute cache write (1.25× input); the 1-hour write (2× input) is not modelled.
 * - Where a provider bills by prompt length (Gemini Pro ≤200k / >200k, OpenAI
 *   GPT-5.4+ ≤272k / >272k, Gemini 1.5 ≤128k / >128k) the row holds the SHORT-prompt
 *   tier; long prompts are under-costed by that factor.
 * - Reasoning/thinking tokens are billed as output by every provider here.
 * - Embedding models have `output: 0`.
 * - Audio/realtime/image/TTS models are deliberately absent: their per-modality
 *   rates cannot be applied to a single input/output token count.
 *
 * `asOf` is the date of the material each figure was read from: the date of a
 * dated copy of the provider's page, or of the dated secondary source that
 * quoted it; where the only material was an undated stored copy it is the date
 * that copy was consulted (2026-11-22). The comment on each group says which.
 * `source` is always the provider's public pricing page.
 */

/** Price of one model, USD per 1M tokens. */
export interface ModelPrice {
  /** USD per 1M input tokens (non-cached). */
  input: number;
  /** USD per 1M cached input tokens (cache read); omit when the provider has no cached rate. */
  cachedInput?: number;
  /** USD per 1M cache-write input tokens (Anthropic-style prompt caching); omit when not applicable. */
  cacheWrite?: number;
  /** USD per 1M output tokens (reasoning tokens are billed as output). */
  output: number;
  /** ISO date the price was read. */
  asOf: string;
  /** Where it was read: the provider's public pricing page URL. */
  source: string;
}

const OPENAI = 'https://openai.com/api/pricing/';
const ANTHROPIC = 'https://docs.anthropic.com/en/docs/about-claude/pricing';
const GOOGLE = 'https://ai.google.dev/gemini-api/docs/pricing';
const MISTRAL = 'https://mistral.ai/pricing';

/** Undated stored copies (provider pages, simonw/llm-prices, gateway catalogs) consulted on this date. */
const READ = '2026-11-22';

const rows: Record<string, ModelPrice> = {
  // ── OpenAI ────────────────────────────────────────────────────────────────
  // GPT-6 / GPT-5.6: release notes quoting the official page (PromptFuel 2026-09-07;
  // usage-tab 2026-10-03; LaoZhang 2026-08-01 / 2026-09-24). gpt-5.6-sol carries its
  // $5/$30 list price: OpenAI's $4/$20 promotion was only guaranteed through 2026-11-21.
  'gpt-6-astra': { input: 10, cachedInput: 1, output: 50, asOf: '2026-09-07', source: OPENAI },
  'gpt-5.6-sol': { input: 5, cachedInput: 0.5, output: 30, asOf: '2026-09-24', source: OPENAI },
  'gpt-5.6-terra': { input: 2, cachedInput: 0.2, output: 12, asOf: '2026-10-03', source: OPENAI },
  'gpt-5.6-luna': {
    input: 0.2,
    cachedInput: 0.02,
    output: 1.2,
    asOf: '2026-10-03',
    source: OPENAI,
  },
  // GPT-5.5 / 5.4 (≤272k-token prompts; >272k bills 2× input, 1.5× output): morphllm.com
  // "as listed on the official pricing page, June 2026"; simonw/llm-prices agrees.
  'gpt-5.5': { input: 5, cachedInput: 0.5, output: 30, asOf: '2026-06-01', source: OPENAI },
  'gpt-5.5-pro': { input: 30, output: 180, asOf: '2026-06-01', source: OPENAI },
  'gpt-5.4': { input: 2.5, cachedInput: 0.25, output: 15, asOf: '2026-06-01', source: OPENAI },
  'gpt-5.4-mini': {
    input: 0.75,
    cachedInput: 0.075,
    output: 4.5,
    asOf: '2026-06-01',
    source: OPENAI,
  },
  'gpt-5.4-nano': {
    input: 0.2,
    cachedInput: 0.02,
    output: 1.25,
    asOf: '2026-06-01',
    source: OPENAI,
  },
  'gpt-5.4-pro': { input: 30, output: 180, asOf: '2026-06-01', source: OPENAI },
  // GPT-5.2: ShellPilot price table "effective 2026-06-01"; GitHub Copilot docs agree.
  'gpt-5.2': { input: 1.75, cachedInput: 0.175, output: 14, asOf: '2026-06-01', source: OPENAI },
  'gpt-5.2-pro': { input: 21, output: 168, asOf: READ, source: OPENAI },
  // GPT-5 / 5.1 and the o-series: deploybase.ai "data from OpenAI pricing page, March 2026";
  // gpt-5-nano also from OpenAI's own model page. gpt-5-chat-latest and gpt-5-codex resolve
  // to gpt-5 (same price, per OpenAI's gpt-5-codex model page).
  'gpt-5.1': { input: 1.25, cachedInput: 0.125, output: 10, asOf: '2026-03-01', source: OPENAI },
  'gpt-5': { input: 1.25, cachedInput: 0.125, output: 10, asOf: '2026-03-01', source: OPENAI },
  'gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2, asOf: '2026-03-01', source: OPENAI },
  'gpt-5-nano': {
    input: 0.05,
    cachedInput: 0.005,
    output: 0.4,
    asOf: '2026-03-01',
    source: OPENAI,
  },
  'gpt-5-pro': { input: 15, output: 120, asOf: '2026-03-01', source: OPENAI },
  // GPT-4.1: tokenmath.io "checked Jun 21, 2026" against OpenAI model pricing (4.1, 4.1-mini);
  // 4.1-nano from deploybase (March 2026) and a copy of the page dated 2025-06-03.
  'gpt-4.1': { input: 2, cachedInput: 0.5, output: 8, asOf: '2026-06-21', source: OPENAI },
  'gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6, asOf: '2026-06-21', source: OPENAI },
  'gpt-4.1-nano': {
    input: 0.1,
    cachedInput: 0.025,
    output: 0.4,
    asOf: '2026-03-01',
    source: OPENAI,
  },
  'gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10, asOf: '2026-03-01', source: OPENAI },
  // The first gpt-4o snapshot kept its launch price (copy of the page dated 2025-06-03).
  'gpt-4o-2024-05-13': { input: 5, output: 15, asOf: '2025-06-03', source: OPENAI },
  'gpt-4o-mini': {
    input: 0.15,
    cachedInput: 0.075,
    output: 0.6,
    asOf: '2026-03-01',
    source: OPENAI,
  },
  o3: { input: 2, cachedInput: 0.5, output: 8, asOf: '2026-03-01', source: OPENAI },
  'o3-mini': { input: 1.1, cachedInput: 0.55, output: 4.4, asOf: '2026-03-01', source: OPENAI },
  'o4-mini': { input: 1.1, cachedInput: 0.275, output: 4.4, asOf: '2026-03-01', source: OPENAI },
  // Older reasoning models and the deep-research/pro variants: simonw/llm-prices (undated);
  // o1 / o1-pro also in a list dated 2025-03, o3-pro on OpenRouter (launch 2025-06-10).
  o1: { input: 15, cachedInput: 7.5, output: 60, asOf: READ, source: OPENAI },
  'o1-mini': { input: 1.1, cachedInput: 0.55, output: 4.4, asOf: READ, source: OPENAI },
  'o1-pro': { input: 150, output: 600, asOf: READ, source: OPENAI },
  'o3-pro': { input: 20, output: 80, asOf: READ, source: OPENAI },
  'o3-deep-research': { input: 10, cachedInput: 2.5, output: 40, asOf: READ, source: OPENAI },
  'o4-mini-deep-research': { input: 2, cachedInput: 0.5, output: 8, asOf: READ, source: OPENAI },
  // Legacy chat models: OpenAI's own model pages for gpt-4 and gpt-3.5-turbo (0125 price;
  // the 1106/0613 snapshots were dearer); gpt-4-turbo, gpt-4-32k and -instruct from
  // 2024 copies of the pricing page (kunishou/GenerativeAI-Cost, a 2024-03-04 gist).
  'gpt-4-turbo': { input: 10, output: 30, asOf: '2024-08-12', source: OPENAI },
  'gpt-4': { input: 30, output: 60, asOf: READ, source: OPENAI },
  'gpt-4-32k': { input: 60, output: 120, asOf: '2024-08-12', source: OPENAI },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5, asOf: READ, source: OPENAI },
  'gpt-3.5-turbo-instruct': { input: 1.5, output: 2, asOf: '2024-03-04', source: OPENAI },
  // Embeddings: tokenmath.io (3-small, checked 2026-06-21); 3-large and ada-002 from
  // zilliz.com / docs.praison.ai (undated).
  'text-embedding-3-small': { input: 0.02, output: 0, asOf: '2026-06-21', source: OPENAI },
  'text-embedding-3-large': { input: 0.13, output: 0, asOf: READ, source: OPENAI },
  'text-embedding-ada-002': { input: 0.1, output: 0, asOf: READ, source: OPENAI },

  // ── Anthropic ─────────────────────────────────────────────────────────────
  // All rows but claude-sonnet-5 are read from stored copies of Anthropic's own pricing
  // page (platform.claude.com, where docs.anthropic.com now redirects), which give input,
  // 5-minute cache write, cache hit and output. Sonnet 4.x ≤200k-token prompts; the 1M
  // context beta bills 2× input / 1.5× output above 200k.
  'claude-fable-5-1': {
    input: 10,
    cachedInput: 0.25,
    cacheWrite: 12.5,
    output: 50,
    asOf: READ,
    source: ANTHROPIC,
  },
  'claude-fable-5': {
    input: 10,
    cachedInput: 1,
    cacheWrite: 12.5,
    output: 50,
    asOf: READ,
    source: ANTHROPIC,
  },
  'claude-opus-5': {
    input: 5,
    cachedInput: 0.5,
    cacheWrite: 6.25,
    output: 25,
    asOf: READ,
    source: ANTHROPIC,
  },
  'claude-opus-4-8': {
    input: 5,
    cachedInput: 0.5,
    cacheWrite: 6.25,
    output: 25,
    asOf: READ,
    source: ANTHROPIC,
  },
  'claude-opus-4-7': {
    input: 5,
    cachedInput: 0.5,
    cacheWrite: 6.25,
    output: 25,
    asOf: READ,
    source: ANTHROPIC,
  },
  'claude-opus-4-6': {
    input: 5,
    cachedInput: 0.5,
    cacheWrite: 6.25,
    output: 25,
    asOf: READ,
    source: ANTHROPIC,
  },
  'claude-opus-4-5': {
    input: 5,
    cachedInput: 0.5,
    cacheWrite: 6.25,
    output: 25,
    asOf: READ,
    source: ANTHROPIC,
  },
  'claude-opus-4-1': {
    input: 15,
    cachedInput: 1.5,
    cacheWrite: 18.75,
    output: 75,
    asOf: READ,
    source: ANTHROPIC,
  },
  'claude-opus-4': {
    input: 15,
    cachedInput: 1.5,
    cacheWrite: 18.75,
    output: 75,
    asOf: READ,
    source: ANTHROPIC,
  },
  'claude-3-opus': {
    input: 15,
    cachedInput: 1.5,
    cacheWrite: 18.75,
    output: 75,
    asOf: READ,
    source: ANTHROPIC,
  },
  // Sonnet 5: simonw/llm-prices and the synaps crate's table (undated); not on the page copy
  // read, and the cache write is derived (1.25× input) rather than read.
  'claude-sonnet-5': {
    input: 2,
    cachedInput: 0.2,
    cacheWrite: 2.5,
    output: 10,
    asOf: READ,
    source: ANTHROPIC,
  },
  'claude-sonnet-4-6': {
    input: 3,
    cachedInput: 0.3,
    cacheWrite: 3.75,
    output: 15,
    asOf: READ,
    source: ANTHROPIC,
  },
  'claude-sonnet-4-5': {
    input: 3,
    cachedInput: 0.3,
    cacheWrite: 3.75,
    output: 15,
    asOf: READ,
    source: ANTHROPIC,
  },
  'claude-sonnet-4': {
    input: 3,
    cachedInput: 0.3,
    cacheWrite: 3.75,
    output: 15,
    asOf: READ,
    source: ANTHROPIC,
  },
  'claude-3-7-sonnet': {
    input: 3,
    cachedInput: 0.3,
    cacheWrite: 3.75,
    output: 15,
    asOf: READ,
    source: ANTHROPIC,
  },
  'claude-3-5-sonnet': {
    input: 3,
    cachedInput: 0.3,
    cacheWrite: 3.75,
    output: 15,
    asOf: READ,
    source: ANTHROPIC,
  },
  'claude-haiku-4-5': {
    input: 1,
    cachedInput: 0.1,
    cacheWrite: 1.25,
    output: 5,
    asOf: READ,
    source: ANTHROPIC,
  },
  'claude-3-5-haiku': {
    input: 0.8,
    cachedInput: 0.08,
    cacheWrite: 1,
    output: 4,
    asOf: READ,
    source: ANTHROPIC,
  },
  'claude-3-haiku': {
    input: 0.25,
    cachedInput: 0.03,
    cacheWrite: 0.3,
    output: 1.25,
    asOf: READ,
    source: ANTHROPIC,
  },

  // ── Google Gemini (Gemini Developer API, paid tier) ──────────────────────
  // Prompt-length tiers: the rows hold the ≤200k-token tier (≤128k for Gemini 1.5); longer
  // prompts bill more (2.5 Pro: $2.50 in / $15 out; 3.x Pro: $4 / $18). 2.5 Flash audio
  // input ($1.00) is not modelled. Headline figures of 2.5 Pro/Flash/Flash-Lite, 3.1 Pro,
  // 3.5 Flash and the embedding rate are from a verbatim transcription of the page read
  // 2026-09-20 (api-evangelist/gemini); the other figures from simonw/llm-prices.
  // Unconfirmed cache rates (no stored figure; best-known list price): 3.1/3 Pro $0.20,
  // 2.0 Flash $0.025, the 1.5 models. 3 Flash's cache rate is unknown and omitted.
  'gemini-3.5-flash': {
    input: 1.5,
    cachedInput: 0.15,
    output: 9,
    asOf: '2026-09-20',
    source: GOOGLE,
  },
  'gemini-3.1-pro': { input: 2, cachedInput: 0.2, output: 12, asOf: '2026-09-20', source: GOOGLE },
  'gemini-3.1-flash-lite': {
    input: 0.25,
    cachedInput: 0.025,
    output: 1.5,
    asOf: READ,
    source: GOOGLE,
  },
  'gemini-3-pro': { input: 2, cachedInput: 0.2, output: 12, asOf: READ, source: GOOGLE },
  'gemini-3-flash': { input: 0.5, output: 3, asOf: READ, source: GOOGLE },
  'gemini-2.5-pro': {
    input: 1.25,
    cachedInput: 0.125,
    output: 10,
    asOf: '2026-09-20',
    source: GOOGLE,
  },
  'gemini-2.5-flash': {
    input: 0.3,
    cachedInput: 0.03,
    output: 2.5,
    asOf: '2026-09-20',
    source: GOOGLE,
  },
  'gemini-2.5-flash-lite': {
    input: 0.1,
    cachedInput: 0.01,
    output: 0.4,
    asOf: '2026-09-20',
    source: GOOGLE,
  },
  'gemini-2.0-flash': { input: 0.1, cachedInput: 0.025, output: 0.4, asOf: READ, source: GOOGLE },
  'gemini-2.0-flash-lite': { input: 0.075, output: 0.3, asOf: READ, source: GOOGLE },
  // Gemini 1.5 is retired; last published list prices (≤128k tier), cache rates best-known.
  'gemini-1.5-pro': { input: 1.25, cachedInput: 0.3125, output: 5, asOf: READ, source: GOOGLE },
  'gemini-1.5-flash': {
    input: 0.075,
    cachedInput: 0.01875,
    output: 0.3,
    asOf: READ,
    source: GOOGLE,
  },
  'gemini-1.5-flash-8b': {
    input: 0.0375,
    cachedInput: 0.01,
    output: 0.15,
    asOf: READ,
    source: GOOGLE,
  },
  // text-embedding-004 is free of charge on the Gemini API, so it has no row (a zero would
  // be indistinguishable from "unknown"); add it with the `prices` option if wanted.
  'gemini-embedding-001': { input: 0.15, output: 0, asOf: '2026-09-20', source: GOOGLE },

  // ── Mistral (La Plateforme) ──────────────────────────────────────────────
  // Mistral publishes no cache-read rate. Base names follow the `-latest` aliases; dated
  // snapshots of an older generation whose price differs get their own row. Sources:
  // simonw/llm-prices, skills.sh mistral-cost-tuning, margindash.com, braintrust-proxy#802
  // (quotes the pricing page: mistral-medium-latest is Medium 3.5 since Medium 3/3.1 were
  // deprecated on 2026-05-22), lava.so and opencode.ai catalogs; all undated.
  'mistral-large': { input: 0.5, output: 1.5, asOf: READ, source: MISTRAL },
  'mistral-large-2411': { input: 2, output: 6, asOf: READ, source: MISTRAL },
  'mistral-large-2407': { input: 2, output: 6, asOf: READ, source: MISTRAL },
  'mistral-medium': { input: 1.5, output: 7.5, asOf: READ, source: MISTRAL },
  'mistral-medium-2508': { input: 0.4, output: 2, asOf: READ, source: MISTRAL },
  'mistral-medium-2505': { input: 0.4, output: 2, asOf: READ, source: MISTRAL },
  'mistral-small': { input: 0.1, output: 0.3, asOf: READ, source: MISTRAL },
  'pixtral-large': { input: 2, output: 6, asOf: READ, source: MISTRAL },
  codestral: { input: 0.3, output: 0.9, asOf: READ, source: MISTRAL },
  // Ministral 3 (2512) replaced the 24.10 models behind the `-latest` aliases.
  'ministral-14b': { input: 0.2, output: 0.2, asOf: READ, source: MISTRAL },
  'ministral-8b': { input: 0.15, output: 0.15, asOf: READ, source: MISTRAL },
  'ministral-8b-2410': { input: 0.1, output: 0.1, asOf: READ, source: MISTRAL },
  'ministral-3b': { input: 0.1, output: 0.1, asOf: READ, source: MISTRAL },
  'ministral-3b-2410': { input: 0.04, output: 0.04, asOf: READ, source: MISTRAL },
  'open-mistral-nemo': { input: 0.15, output: 0.15, asOf: READ, source: MISTRAL },
  'mistral-embed': { input: 0.1, output: 0, asOf: READ, source: MISTRAL },
  // Unconfirmed: no stored figure for codestral-embed; best-known list price.
  'codestral-embed': { input: 0.15, output: 0, asOf: READ, source: MISTRAL },
};

/** Frozen so that merging overrides can never mutate the shipped rows. */
export const PRICE_TABLE: Readonly<Record<string, ModelPrice>> = Object.freeze(
  Object.fromEntries(Object.entries(rows).map(([model, price]) => [model, Object.freeze(price)])),
);
