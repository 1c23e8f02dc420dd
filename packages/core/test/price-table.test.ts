import { describe, expect, it } from 'vitest';
import { baseModelName, lookupPrice, resolvePriceKey } from '../src/cost/model-names';
import { type ModelPrice, PRICE_TABLE } from '../src/cost/price-table';

const PROVIDER_PAGES = [
  'https://openai.com/api/pricing/',
  'https://docs.anthropic.com/en/docs/about-claude/pricing',
  'https://ai.google.dev/gemini-api/docs/pricing',
  'https://mistral.ai/pricing',
];

describe('PRICE_TABLE', () => {
  const rows = Object.entries(PRICE_TABLE);

  it('covers the current chat and embedding models of each provider', () => {
    for (const model of [
      'gpt-4o',
      'gpt-4o-mini',
      'gpt-4.1',
      'gpt-4.1-mini',
      'gpt-4.1-nano',
      'o1',
      'o3',
      'o3-mini',
      'o4-mini',
      'gpt-5',
      'gpt-5-mini',
      'gpt-5-nano',
      'gpt-3.5-turbo',
      'gpt-4-turbo',
      'text-embedding-3-small',
      'text-embedding-3-large',
      'text-embedding-ada-002',
      'claude-opus-4-1',
      'claude-opus-4',
      'claude-sonnet-4-5',
      'claude-sonnet-4',
      'claude-3-7-sonnet',
      'claude-3-5-haiku',
      'claude-haiku-4-5',
      'claude-3-haiku',
      'gemini-2.5-pro',
      'gemini-2.5-flash',
      'gemini-2.5-flash-lite',
      'gemini-2.0-flash',
      'gemini-1.5-pro',
      'gemini-1.5-flash',
      'gemini-embedding-001',
      'mistral-large',
      'mistral-medium',
      'mistral-small',
      'codestral',
      'ministral-8b',
      'open-mistral-nemo',
      'mistral-embed',
    ]) {
      expect(PRICE_TABLE[model], model).toBeDefined();
    }
  });

  it('has keys in lower case and already in base form', () => {
    for (const [model] of rows) {
      expect(model).toBe(model.toLowerCase());
      expect(model).not.toMatch(/-latest$|-preview$|^models\/|\//);
    }
  });

  it.each(rows)('%s: rates are sane', (_model, price: ModelPrice) => {
    expect(price.input).toBeGreaterThan(0);
    expect(price.output).toBeGreaterThanOrEqual(0);
    for (const rate of [price.input, price.output, price.cachedInput, price.cacheWrite]) {
      if (rate !== undefined) expect(Number.isFinite(rate)).toBe(true);
    }
    // A cache read is a discount and a cache write a surcharge on the input rate.
    if (price.cachedInput !== undefined) {
      expect(price.cachedInput).toBeGreaterThan(0);
      expect(price.cachedInput).toBeLessThan(price.input);
    }
    if (price.cacheWrite !== undefined) expect(price.cacheWrite).toBeGreaterThan(price.input);
  });

  it.each(rows)('%s: has a valid ISO asOf date and an https provider source', (_m, price) => {
    expect(price.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(new Date(`${price.asOf}T00:00:00Z`).toISOString().slice(0, 10)).toBe(price.asOf);
    expect(price.asOf >= '2024-01-01' && price.asOf <= '2026-12-31').toBe(true);
    expect(new URL(price.source).protocol).toBe('https:');
    expect(PROVIDER_PAGES).toContain(price.source);
  });

  it('prices embedding models for input only', () => {
    for (const [model, price] of rows) {
      if (/embed/.test(model)) expect(price.output, model).toBe(0);
    }
  });

  it('gives cache writes only to Anthropic models, which all have one', () => {
    for (const [model, price] of rows) {
      expect(price.cacheWrite !== undefined, model).toBe(model.startsWith('claude-'));
    }
  });

  it('is frozen', () => {
    expect(Object.isFrozen(PRICE_TABLE)).toBe(true);
    expect(Object.isFrozen(PRICE_TABLE['gpt-4o'])).toBe(true);
  });
});

describe('baseModelName', () => {
  it.each([
    ['gpt-4o-2024-08-06', 'gpt-4o'],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['GPT-4o-Mini', 'gpt-4o-mini'],
    ['gpt-4.1-nano-2025-04-14', 'gpt-4.1-nano'],
    ['o3-mini-2025-01-31', 'o3-mini'],
    ['gpt-3.5-turbo-0125', 'gpt-3.5-turbo'],
    ['gpt-4-0125-preview', 'gpt-4-turbo'],
    ['openai/gpt-4o', 'gpt-4o'],
    ['gpt-35-turbo', 'gpt-3.5-turbo'],
    ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet'],
    ['claude-3-7-sonnet-latest', 'claude-3-7-sonnet'],
    ['us.anthropic.claude-sonnet-4-20250514-v1:0', 'claude-sonnet-4'],
    ['anthropic.claude-3-haiku-20240307-v1:0', 'claude-3-haiku'],
    ['claude-3-5-sonnet-v2@20241022', 'claude-3-5-sonnet'],
    ['claude-3-opus@20240229', 'claude-3-opus'],
    ['anthropic/claude-3.5-sonnet', 'claude-3-5-sonnet'],
    ['claude-sonnet-4-0', 'claude-sonnet-4'],
    ['models/gemini-2.5-flash', 'gemini-2.5-flash'],
    ['gemini-2.5-flash-preview-05-20', 'gemini-2.5-flash'],
    ['gemini-2.5-flash-lite-preview-09-2025', 'gemini-2.5-flash-lite'],
    ['gemini-1.5-pro-002', 'gemini-1.5-pro'],
    ['gemini-3-pro-preview', 'gemini-3-pro'],
    ['gemini-embedding-001', 'gemini-embedding-001'],
    ['mistral-large-latest', 'mistral-large'],
    ['mistral-small-2506', 'mistral-small'],
    ['mistral.mistral-large-2407-v1:0', 'mistral-large'],
  ])('%s → %s', (model, base) => {
    expect(baseModelName(model)).toBe(base);
  });
});

describe('lookupPrice', () => {
  it.each([
    ['gpt-4o', 'gpt-4o'],
    ['gpt-4o-2024-08-06', 'gpt-4o'],
    ['gpt-4o-2024-11-20', 'gpt-4o'],
    // Longest prefix wins: never the cheaper-looking shorter key.
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['gpt-4.1-nano-2025-04-14', 'gpt-4.1-nano'],
    ['o3-mini-2025-01-31', 'o3-mini'],
    ['o4-mini-high', 'o4-mini'],
    ['o3-deep-research-2025-06-26', 'o3-deep-research'],
    ['gpt-5-chat-latest', 'gpt-5'],
    ['gpt-5-codex', 'gpt-5'],
    ['gpt-4-turbo-preview', 'gpt-4-turbo'],
    ['gpt-4-1106-preview', 'gpt-4-turbo'],
    ['gpt-4-0613', 'gpt-4'],
    ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet'],
    ['claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
    ['claude-opus-4-1-20250805', 'claude-opus-4-1'],
    ['claude-opus-4-20250514', 'claude-opus-4'],
    ['us.anthropic.claude-sonnet-4-20250514-v1:0', 'claude-sonnet-4'],
    ['global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5'],
    ['anthropic/claude-sonnet-4.5', 'claude-sonnet-4-5'],
    ['models/gemini-2.5-flash', 'gemini-2.5-flash'],
    ['gemini-2.5-flash-lite-preview-06-17', 'gemini-2.5-flash-lite'],
    ['gemini-2.0-flash-001', 'gemini-2.0-flash'],
    ['gemini-2.0-flash-lite-001', 'gemini-2.0-flash-lite'],
    ['gemini-embedding-001', 'gemini-embedding-001'],
    ['mistral-large-latest', 'mistral-large'],
    ['mistral-large-2512', 'mistral-large'],
    ['mistral-medium-3.5', 'mistral-medium'],
    ['codestral-2508', 'codestral'],
    ['open-mistral-nemo-2407', 'open-mistral-nemo'],
  ])('%s is priced as %s', (model, key) => {
    expect(resolvePriceKey(model, PRICE_TABLE)).toBe(key);
    expect(lookupPrice(model)).toBe(PRICE_TABLE[key]);
  });

  it('prefers a dated snapshot that has a row of its own over its base name', () => {
    expect(lookupPrice('gpt-4o-2024-05-13')).toMatchObject({ input: 5, output: 15 });
    expect(lookupPrice('mistral-large-2411')).toMatchObject({ input: 2, output: 6 });
    expect(lookupPrice('mistral.mistral-large-2407-v1:0')).toMatchObject({ input: 2, output: 6 });
    expect(lookupPrice('ministral-8b-2410')).toMatchObject({ input: 0.1 });
  });

  it.each([
    'my-finetune',
    'llama-3.1-70b-instruct',
    'constructor',
    '__proto__',
    'toString',
    '',
    'gpt',
    'chatgpt-4o-latest',
    'gpt-4.5-preview',
    'claude-3-sonnet-20240229',
  ])('returns undefined for the unknown model %j', (model) => {
    expect(lookupPrice(model)).toBeUndefined();
  });

  // Decision: names whose suffix is a modality, a tool model, a size tier, another
  // minor version or a gateway variant are NOT priced as their prefix. gpt-4o-audio-preview
  // bills audio tokens at $40/$80 per 1M, so pricing it as gpt-4o would be silently wrong;
  // undefined makes the caller warn once and record no cost.
  it.each([
    'gpt-4o-audio-preview',
    'gpt-4o-audio-preview-2024-12-17',
    'gpt-4o-realtime-preview',
    'gpt-4o-mini-realtime-preview',
    'gpt-4o-mini-search-preview',
    'gpt-4o-transcribe',
    'gpt-4o-mini-tts',
    'gpt-5.1-codex-mini',
    'gpt-4.1-fast',
    'gpt-3.5-turbo-16k',
    'gpt-4o-search-preview',
    'claude-opus-4-9',
    'claude-sonnet-4-5-thinking',
    'gemini-2.5-flash-image-preview',
    'gemini-2.5-flash-preview-tts',
    'gemini-2.5-flash-native-audio-preview-09-2025',
    'gemini-2.0-flash-thinking-exp-01-21',
    'codestral-mamba-latest',
    'openai/gpt-4o-mini:free',
  ])('does not price %s as a different model', (model) => {
    expect(lookupPrice(model)).toBeUndefined();
  });

  it('works on any table, such as one with overrides', () => {
    const table: Record<string, ModelPrice> = {
      ...PRICE_TABLE,
      'my-model': { input: 1, output: 2, asOf: 'override', source: 'option prices' },
      'gpt-4o': { input: 9, output: 9, asOf: 'override', source: 'option prices' },
    };
    expect(lookupPrice('My-Model-2025-01-01', table)?.input).toBe(1);
    expect(lookupPrice('gpt-4o-2024-08-06', table)?.input).toBe(9);
    expect(lookupPrice('gpt-4o-mini', {})).toBeUndefined();
  });
});
