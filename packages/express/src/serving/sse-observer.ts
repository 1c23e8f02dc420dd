import { ERROR_TYPE_OTHER, providerErrorType } from '@llmeter/core/internal';
import { MAX_PENDING_EVENT_CHARS } from '../constants';

/** What one parsed payload (an SSE event or a JSON body) says about the response. */
export interface PayloadFacts {
  /** Carries generated output (text, reasoning, refusal or a tool call delta). */
  content: boolean;
  model?: string;
  completionTokens?: number;
  errorType?: string;
}

/**
 * An incremental `text/event-stream` parser (the WHATWG rules: lines end in
 * CRLF, LF or CR; a blank line dispatches the event; `data:` lines are
 * joined with LF). Events may be split across writes at any byte; it keeps
 * only the unfinished line and the event being assembled.
 */
export class SseParser {
  private pending = '';
  private data: string[] = [];
  private pendingData = 0;
  /** Set when an event grew beyond the bound: parsing stopped. */
  overflow = false;

  constructor(private readonly onEvent: (data: string) => void) {}

  push(text: string): void {
    if (this.overflow) return;
    const buf = this.pending.length === 0 ? text : this.pending + text;
    let start = 0;
    if (buf.indexOf('\r') === -1) {
      // LF only, what servers write: indexOf finds line ends several times faster than
      // a loop over every character (a visible part of the per-chunk cost).
      for (let i = buf.indexOf('\n'); i !== -1; i = buf.indexOf('\n', start)) {
        this.line(buf.slice(start, i));
        start = i + 1;
      }
      this.keep(buf, start);
      return;
    }
    for (let i = 0; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      if (c === 13) {
        if (i + 1 === buf.length) break; // CR at the end: wait, an LF may follow in the next write
        if (buf.charCodeAt(i + 1) === 10) {
          this.line(buf.slice(start, i));
          i++;
          start = i + 1;
          continue;
        }
      }
      this.line(buf.slice(start, i));
      start = i + 1;
    }
    this.keep(buf, start);
  }

  /** The unfinished line stays for the next write. */
  private keep(buf: string, start: number): void {
    this.pending = start === 0 ? buf : buf.slice(start);
    if (this.pending.length + this.pendingData > MAX_PENDING_EVENT_CHARS) this.stop();
  }

  /** End of the response: a last event without its blank line still counts. */
  end(): void {
    if (this.overflow) return;
    if (this.pending.length > 0) {
      const last = this.pending.endsWith('\r') ? this.pending.slice(0, -1) : this.pending;
      this.pending = '';
      this.line(last);
    }
    this.dispatch();
  }

  private line(line: string): void {
    if (line.length === 0) {
      this.dispatch();
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' comment */) return;
    if (!line.startsWith('data')) return; // event:, id:, retry: say nothing about tokens
    if (line.length === 4) {
      this.data.push('');
    } else if (line.charCodeAt(4) === 58) {
      const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
      this.data.push(value);
      this.pendingData += value.length;
    }
  }

  private dispatch(): void {
    if (this.data.length === 0) return;
    const data = this.data.length === 1 ? this.data[0]! : this.data.join('\n');
    this.data = [];
    this.pendingData = 0;
    this.onEvent(data);
  }

  private stop(): void {
    this.overflow = true;
    this.pending = '';
    this.data = [];
  }
}

/**
 * An event only a parse can read: it may hold usage or an error (`"usage"` or
 * `"error"` anywhere), or log probabilities, whose `content` array is not
 * output (`"logprobs":` with a value other than null).
 */
const NEEDS_PARSE = /"(?:usage|error)"|"logprobs":[ \t\n\r]*(?:[^n \t\n\r]|$)/;
/** Keys whose non-empty string or array value is generated output (as choiceHasContent reads them). */
const CONTENT_KEY = /"(?:content|reasoning_content|reasoning|refusal|tool_calls|text)":/g;

/**
 * Whether an event's JSON carries content, read from the text without
 * JSON.parse, or undefined when only a parse can tell (NEEDS_PARSE, or a
 * content key whose value is not a plain string, array or null). Used once
 * the response model is known, for the events after the first. Why: JSON.parse
 * of each chunk was most of the serving side's per-chunk cost (~0.9 µs);
 * the same checks as separate `includes`/`indexOf` scans took ~670 ns per
 * typical chunk, these two regular expressions ~150 ns (the scans that find
 * nothing read the whole event each). A key only matches outside strings:
 * inside one, its quotes would be escaped.
 */
export function quickContent(data: string): boolean | undefined {
  if (NEEDS_PARSE.test(data)) return undefined;
  // Global: test() resumes from lastIndex, so each match is read where it ends, without a match array.
  CONTENT_KEY.lastIndex = 0;
  while (CONTENT_KEY.test(data)) {
    let i = valueAt(data, CONTENT_KEY.lastIndex);
    const c = data.charCodeAt(i);
    if (c === 34 /* " */) {
      if (data.charCodeAt(i + 1) !== 34) return true;
    } else if (c === 91 /* [ */) {
      i = valueAt(data, i + 1);
      if (data.charCodeAt(i) !== 93 /* ] */) return true;
    } else if (c !== 110 /* null */) {
      return undefined; // an object, a number: leave it to the parser
    }
  }
  return false;
}

/** Index of the first character at or after `i` that is not JSON whitespace. */
function valueAt(data: string, i: number): number {
  let c = data.charCodeAt(i);
  while (c === 32 || c === 10 || c === 13 || c === 9) c = data.charCodeAt(++i);
  return i;
}

/**
 * Reads an OpenAI-compatible payload: a chat/completions chunk or body, a
 * legacy completions one, an embeddings one, or an error object.
 */
export function payloadFacts(payload: unknown): PayloadFacts {
  const facts: PayloadFacts = { content: false };
  if (!payload || typeof payload !== 'object') return facts;
  const p = payload as Record<string, unknown>;
  if (typeof p.model === 'string' && p.model.length > 0) facts.model = p.model;
  const usage = p.usage as Record<string, unknown> | null | undefined;
  if (usage && typeof usage === 'object') {
    const n = usage.completion_tokens ?? usage.output_tokens;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0) facts.completionTokens = n;
  }
  if (p.error !== undefined && p.error !== null) facts.errorType = payloadErrorType(p.error);
  if (Array.isArray(p.choices)) {
    for (const choice of p.choices) {
      if (choiceHasContent(choice)) {
        facts.content = true;
        break;
      }
    }
  }
  return facts;
}

function choiceHasContent(choice: unknown): boolean {
  if (!choice || typeof choice !== 'object') return false;
  const c = choice as Record<string, unknown>;
  if (typeof c.text === 'string' && c.text.length > 0) return true; // legacy completions
  const part = (c.delta ?? c.message) as Record<string, unknown> | undefined;
  if (!part || typeof part !== 'object') return false;
  return (
    nonEmpty(part.content) ||
    nonEmpty(part.reasoning_content) ||
    nonEmpty(part.reasoning) ||
    nonEmpty(part.refusal) ||
    (Array.isArray(part.tool_calls) && part.tool_calls.length > 0)
  );
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' ? value.length > 0 : Array.isArray(value) && value.length > 0;
}

/**
 * `error.type` of an OpenAI-style error object the route wrote: its `type`
 * or `code` when that is a provider error type core knows, else `_OTHER`.
 * Anything else in a body is data, not a type, and could hold anything.
 */
function payloadErrorType(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as Record<string, unknown>;
    const known = providerErrorType(e.type) ?? providerErrorType(e.code);
    if (known !== undefined) return known;
  }
  return ERROR_TYPE_OTHER;
}
