import { reportInternalError } from './internal-log';
import { scrubSecrets } from './secrets';
import type { GenAIMessage, GenAIMessagePart, RedactHook } from './types';

const TRUNCATED = '…[truncated]';

/** Decides whether and how prompt and completion content is recorded. */
export class ContentPolicy {
  constructor(
    readonly enabled: boolean,
    private readonly redact: RedactHook | undefined,
    private readonly maxLength: number,
  ) {}

  /** Messages as a JSON string in the semconv message shape, redacted and bounded; undefined when off. */
  messages(messages: GenAIMessage[] | undefined): string | undefined {
    if (!this.enabled || !Array.isArray(messages) || messages.length === 0) return undefined;
    const kept: GenAIMessage[] = [];
    for (const message of messages) {
      const redacted = this.apply(message);
      if (redacted === null) return undefined;
      if (redacted) kept.push(redacted);
    }
    return kept.length > 0 ? boundedJson(kept, this.maxLength) : undefined;
  }

  parts(parts: GenAIMessagePart[] | undefined, role: string): string | undefined {
    if (!this.enabled || !Array.isArray(parts) || parts.length === 0) return undefined;
    const redacted = this.apply({ role, parts });
    return redacted ? boundedJson(redacted.parts, this.maxLength) : undefined;
  }

  value(value: unknown, role: string, kind: 'arguments' | 'result'): string | undefined {
    if (!this.enabled || value === undefined) return undefined;
    const part = { type: kind === 'arguments' ? 'tool_call' : 'tool_call_response', value };
    const redacted = this.apply({ role, parts: [part] });
    if (!redacted?.parts[0]) return undefined;
    const kept = (redacted.parts[0] as { value?: unknown }).value;
    return typeof kept === 'string'
      ? truncate(kept, this.maxLength)
      : boundedJson(kept, this.maxLength);
  }

  /**
   * Runs the hook, then the scrubber over every string (credential shapes are
   * replaced even in content the user chose to capture); `null` means the hook
   * failed and nothing may be recorded.
   */
  private apply(message: GenAIMessage): GenAIMessage | undefined | null {
    let redacted: GenAIMessage | undefined;
    try {
      redacted = this.redact ? (this.redact(structuredClone(message)) ?? undefined) : message;
    } catch (error) {
      // Fail closed: content that could not be redacted is never recorded.
      reportInternalError('content.redact', error);
      return null;
    }
    try {
      return redacted && (scrubStrings(redacted, 0) as GenAIMessage);
    } catch {
      return null; // unreadable content (a throwing getter): nothing is recorded, as JSON would fail
    }
  }
}

const MAX_DEPTH = 32;

/** A copy of `value` with every string scrubbed; deeper than MAX_DEPTH (or a cycle) is cut. */
function scrubStrings(input: unknown, depth: number): unknown {
  const value = input;
  if (typeof value === 'string') return scrubSecrets(value);
  if (value === null || typeof value !== 'object') return value;
  // What JSON.stringify would write of it (a Date, a LangChain message): that is what is recorded.
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return scrubStrings(toJSON.call(value), depth + 1);
  if (depth >= MAX_DEPTH) return TRUNCATED;
  if (Array.isArray(value)) return value.map((v) => scrubStrings(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    out[scrubSecrets(key)] = scrubStrings((value as Record<string, unknown>)[key], depth + 1);
  }
  return out;
}

/** JSON of `value` no longer than `max` characters that still parses. */
export function boundedJson(value: unknown, max: number): string | undefined {
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch {
    return undefined;
  }
  if (json === undefined || json.length <= max) return json;
  // Shorten every long string proportionally, then drop trailing items until it fits.
  const strings = countStrings(value);
  const perString = Math.max(32, Math.floor(max / Math.max(1, strings)) - TRUNCATED.length);
  const shortened = shortenStrings(value, perString);
  json = JSON.stringify(shortened);
  if (Array.isArray(shortened)) {
    let kept: unknown[] = shortened;
    while (json.length > max && kept.length > 1) {
      kept = kept.slice(0, -1);
      json = JSON.stringify([...kept, TRUNCATED]);
    }
  }
  return json.length <= max ? json : JSON.stringify(TRUNCATED);
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, Math.max(0, max - TRUNCATED.length)) + TRUNCATED;
}

function countStrings(value: unknown): number {
  if (typeof value === 'string') return 1;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countStrings(v), 0);
  if (value && typeof value === 'object') {
    return Object.values(value).reduce((n: number, v) => n + countStrings(v), 0);
  }
  return 0;
}

function shortenStrings(value: unknown, max: number): unknown {
  if (typeof value === 'string') return truncate(value, max);
  if (Array.isArray(value)) return value.map((v) => shortenStrings(v, max));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shortenStrings(v, max)]));
  }
  return value;
}
