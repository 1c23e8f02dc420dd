/**
 * The one scrubber: every string llmeter exports that can come from an error,
 * a request or a response passes through it first (span status messages,
 * exception events, captured content, the internal log). A gateway that
 * echoes the key it rejected, a fetch error quoting a URL with credentials, a
 * proxy repeating the Authorization header: each would otherwise carry a
 * credential into telemetry. It runs on failures and on content when capture
 * is on, never per chunk.
 *
 * Cost (test/bench/scrub.cjs, Node 24, a shared 2-core VM): 0.3 µs for a model
 * name, 0.4 µs for an error message without a credential shape and 4 µs for
 * one with a key and a bearer token, 9 to 18 µs for a 2 KiB stack trace, 65 to
 * 160 µs for 16 KiB of captured content (about 5 to 10 ns per character).
 */

export const REDACTED = '[REDACTED]';

/** Secrets adapters know verbatim (e.g. an OpenAI client's API key), replaced wherever they appear. */
const known = new Set<string>();
const MAX_KNOWN = 64;
/** Shorter values are not worth replacing: they would match ordinary words. */
const MIN_SECRET_LENGTH = 8;
/** Patterns the application added (`init({ secretPatterns })`, LLMETER_SECRET_PATTERNS). */
let extra: RegExp[] = [];
const MAX_PATTERNS = 32;

type Rule = readonly [RegExp, string | ((match: string, ...groups: string[]) => string)];

/**
 * Order matters: header and URL forms first (they keep their name and
 * scheme), then bare token shapes. Every pattern is case-insensitive: HTTP
 * header names and auth schemes are.
 */
const RULES: readonly Rule[] = [
  // `Authorization: Bearer x`, `"x-api-key":"x"`, `api-key=x`: the name stays, the value goes.
  [
    /\b((?:proxy-)?authorization|x-api-key|api-key|x-goog-api-key|openai-api-key)(["']?\s*[:=]\s*["']?)(?:(bearer|basic|token|digest|apikey)\s+)?(?!\[REDACTED\]|(?:bearer|basic|token|digest|apikey)\s)[^\s"',;}\]]+/gi,
    (_m, header, sep, scheme) => `${header}${sep}${scheme ? `${scheme} ` : ''}${REDACTED}`,
  ],
  // `scheme://user:password@host` (URLs and connection strings) → `scheme://[REDACTED]@host`.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"']+@/gi, `$1${REDACTED}@`],
  // Credentials in query strings: `?key=…`, `&api_key=…`, `&token=…`, SAS `&sig=…`.
  [
    /([?&;](?:key|api[_-]?key|apikey|token|access[_-]?token|auth[_-]?token|id[_-]?token|refresh[_-]?token|password|secret|client[_-]?secret|sig|signature)=)(?!\[REDACTED\])[^&#;\s"']+/gi,
    `$1${REDACTED}`,
  ],
  // Connection-string and config forms: `Password=…;`, `"client_secret": "…"`, `AccountKey=…`.
  [
    /\b(password|passwd|pwd|secret|client[_-]?secret|api[_-]?key|apikey|access[_-]?token|auth[_-]?token|refresh[_-]?token|secret[_-]?access[_-]?key|account[_-]?key|shared[_-]?access[_-]?key)(["']?\s*[:=]\s*["']?)(?!\[REDACTED\])[^\s"',;&}\]]+/gi,
    `$1$2${REDACTED}`,
  ],
  // `Bearer <token>` anywhere; `Basic <base64>` unless it is an ordinary lower-case word.
  [
    /\b(bearer|basic)\s+([a-z0-9._~+/-]{8,}=*)/gi,
    (m, scheme, token) =>
      scheme.toLowerCase() === 'basic' && /^[a-z]+$/.test(token) ? m : `${scheme} ${REDACTED}`,
  ],
  // JWTs (header.payload.signature, the header always base64url of `{"`).
  [/\beyJ[a-z0-9_-]{6,}\.[a-z0-9_-]{6,}\.[a-z0-9_-]*/gi, REDACTED],
  // Provider keys: OpenAI `sk-…`/`sk-proj-…`, Anthropic `sk-ant-…`, restricted/publishable.
  // (After `_` too: `OPENAI_KEY_sk-…`; not after a letter: `risk-assessment-…` is no key.)
  [/(?<![a-z0-9])(sk|rk|pk)-[a-z0-9_-]{16,}/gi, `$1-${REDACTED}`],
  // Stripe-style `sk_live_…`, GitHub `ghp_…`, Slack `xoxb-…`, Hugging Face `hf_…`.
  [/\b(?:(?:sk|rk|pk)_(?:live|test)_|gh[pousr]_|xox[abposr]-|hf_)[a-z0-9_-]{16,}/gi, REDACTED],
  // Google API keys.
  [/\bAIza[a-z0-9_-]{30,}/gi, REDACTED],
  // AWS access key ids.
  [/\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[a-z0-9]{16}\b/gi, REDACTED],
];

/**
 * Every rule above needs one of these substrings: text without any (a model
 * name, most messages) skips the rules, one test instead of ten passes.
 */
const MAY_HOLD_CREDENTIALS =
  /[sprk]k[-_]|eyj|aiza|akia|asia|agpa|aida|aroa|anpa|anva|aipa|abia|acca|bearer|basic|:\/\/|key|token|pass|pwd|secret|sig|authorization|gh[pousr]_|xox|hf_/i;

/** Remembers a secret to scrub. Ignores anything too short, and more than 64 of them. */
export function registerSecret(value: unknown): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
  if (known.size >= MAX_KNOWN || known.has(value)) return;
  known.add(value);
  scrubbedNames.clear();
}

/**
 * Replaces the application's own patterns (init's `secretPatterns`, or
 * LLMETER_SECRET_PATTERNS). Strings are regular expression sources; every
 * pattern is applied case-insensitively and globally. Returns what it could
 * not use, so the caller can warn.
 */
export function setSecretPatterns(patterns: readonly (RegExp | string)[] | undefined): unknown[] {
  const rejected: unknown[] = [];
  const out: RegExp[] = [];
  for (const p of patterns ?? []) {
    try {
      const source = p instanceof RegExp ? p.source : typeof p === 'string' ? p : undefined;
      if (!source || out.length >= MAX_PATTERNS || new RegExp(source).test('')) {
        rejected.push(p); // an empty match would redact between every character
        continue;
      }
      out.push(new RegExp(source, 'gi'));
    } catch {
      rejected.push(p);
    }
  }
  extra = out;
  scrubbedNames.clear();
  return rejected;
}

/** The text with known secrets, the application's patterns, and every credential shape above replaced. */
export function scrubSecrets(text: string): string {
  if (typeof text !== 'string' || text.length === 0) return '';
  let out = text;
  for (const secret of known) if (out.includes(secret)) out = out.replaceAll(secret, REDACTED);
  for (const pattern of extra) out = out.replace(pattern, REDACTED);
  if (!MAY_HOLD_CREDENTIALS.test(out)) return out;
  for (const [pattern, replacement] of RULES) {
    out = out.replace(pattern, replacement as string);
  }
  return out;
}

/**
 * Scrub first, then truncate to `max` characters: cutting first could leave
 * the head of a key too short to be recognised. A huge input is cut before
 * scrubbing (at four times `max`, to bound the work) and then loses its last,
 * possibly cut-through, word.
 */
export function scrubbed(text: string, max: number): string {
  let window = text;
  if (window.length > max * 4) {
    window = window.slice(0, max * 4);
    const tail = /\S*$/.exec(window);
    // (A window that is one word, a huge name, is kept: nothing in it ends cut through.)
    if (tail && tail.index > 0) window = window.slice(0, tail.index);
  }
  const out = scrubSecrets(window);
  return out.length > max ? out.slice(0, max) : out;
}

/**
 * Names scrubbed before, by their raw string: models, providers and servers
 * are the same few with every call. Scrubbing one costs 0.02–0.16 µs, about
 * 0.8 µs for the seven names of an operation; a hit is one Map lookup.
 * Bounded, and emptied whenever what the scrubber looks for changes.
 */
const scrubbedNames = new Map<string, string>();
const MAX_SCRUBBED_NAMES = 1000;
const MAX_CACHED_NAME_LENGTH = 128;

/** `scrubbed(text, max)` for a name, remembered. */
export function scrubbedName(text: string, max: number): string {
  let out = scrubbedNames.get(text);
  if (out !== undefined) return out;
  out = scrubbed(text, max);
  // Short names only (never truncated, so `max` cannot change the answer).
  if (text.length <= MAX_CACHED_NAME_LENGTH && text.length <= max) {
    if (scrubbedNames.size >= MAX_SCRUBBED_NAMES) scrubbedNames.clear();
    scrubbedNames.set(text, out);
  }
  return out;
}

/** True when the scrubber would change `text`: it then holds something credential-shaped. */
export function looksSecret(text: string): boolean {
  return scrubSecrets(text) !== text;
}
