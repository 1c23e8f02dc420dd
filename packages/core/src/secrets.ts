/**
 * Keeps credentials out of what llmeter records about failures. An error's
 * message is the one place where a secret can slip from user code into
 * telemetry: a gateway that echoes the API key it rejected, a fetch error that
 * quotes a URL with credentials, a proxy that repeats the Authorization header.
 * Only failure paths call this, so its cost is off the hot path.
 */

/** Secrets adapters know verbatim (e.g. an OpenAI client's API key), replaced wherever they appear. */
const known = new Set<string>();
const MAX_KNOWN = 64;
/** Shorter values are not worth replacing: they would match ordinary words. */
const MIN_SECRET_LENGTH = 8;

export const REDACTED = '[REDACTED]';

/** `scheme://user:password@host` → `scheme://[REDACTED]@host`. */
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi;
/** `Bearer <token>` / `Basic <token>` as an Authorization header quotes them. */
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;
/** Provider API keys by their well-known prefixes (`sk-`, `sk-proj-`, `sk-ant-`, `rk-`, `pk-`). */
const API_KEY = /\b(sk|rk|pk)-[A-Za-z0-9_-]{16,}/g;

/** Remembers a secret to scrub from recorded error messages. Ignores anything too short or too many. */
export function registerSecret(value: unknown): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
  if (known.size >= MAX_KNOWN || known.has(value)) return;
  known.add(value);
}

/** The text with known secrets, URL credentials, auth tokens and API keys replaced. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const secret of known) if (out.includes(secret)) out = out.replaceAll(secret, REDACTED);
  return out
    .replace(URL_CREDENTIALS, `$1${REDACTED}@`)
    .replace(AUTH_SCHEME, `$1 ${REDACTED}`)
    .replace(API_KEY, `$1-${REDACTED}`);
}
