import { StringDecoder } from 'node:string_decoder';
import { MAX_OBSERVED_BODY_CHARS, MAX_TOKEN_OBSERVATIONS } from '../constants';
import { type PayloadFacts, payloadFacts, quickContent, SseParser } from './sse-observer';

type Mode = 'unknown' | 'sse' | 'json' | 'off';

/** A body that opens with an SSE field or comment line. */
const SSE_START = /^(?:(?:data|event|id|retry)(?::|\r|\n|$)|:)/;

/** What the response said, with the timing of its content events. */
export interface ObservedResponse {
  streamed: boolean;
  /** performance.now() of the write carrying the first content event. */
  firstContentAt?: number;
  lastContentAt?: number;
  contentEvents: number;
  /** Gaps (ms) between consecutive content events; capped in length. */
  gapsMs: number[];
  responseModel?: string;
  completionTokens?: number;
  /** An error the payload itself reported (e.g. an SSE error event after a 200). */
  errorType?: string;
}

export interface ResponseHints {
  contentType(): string | undefined;
  contentEncoding(): string | undefined;
  streamRequested(): boolean;
}

/**
 * Watches the bytes a route writes, as copies: it decides once (first
 * non-empty write) whether the body is an SSE stream or a JSON document,
 * then parses incrementally. It never holds a reference to the caller's
 * chunk after returning, and any surprise turns it off rather than throw.
 */
export class ResponseObserver {
  private mode: Mode = 'unknown';
  private decoder: StringDecoder | undefined;
  private sse: SseParser | undefined;
  private body = '';
  private now = 0;
  /** `"model":"<the response model>"` as the events write it, once known. */
  private modelField: string | undefined;
  private readonly result: ObservedResponse = { streamed: false, contentEvents: 0, gapsMs: [] };

  constructor(private readonly hints: ResponseHints) {}

  /** One `res.write(chunk, encoding)` / `res.end(chunk, encoding)` at `at` (performance.now()). */
  chunk(chunk: unknown, encoding: unknown, at: number): void {
    if (this.mode === 'off') return;
    const text = this.decode(chunk, encoding);
    if (text === undefined || text.length === 0) return;
    this.now = at;
    if (this.mode === 'unknown') this.mode = this.detect(text);
    if (this.mode === 'sse') this.sse!.push(text);
    else if (this.mode === 'json') this.appendJson(text);
  }

  end(at: number): ObservedResponse {
    this.now = at;
    try {
      const rest = this.decoder?.end();
      if (rest) this.chunk(rest, 'utf8', at);
      if (this.mode === 'sse') this.sse!.end();
      else if (this.mode === 'json' && this.body.length > 0) this.take(JSON.parse(this.body));
    } catch {
      // not JSON after all: the duration is still recorded, without model or usage
    }
    this.body = '';
    return this.result;
  }

  private decode(chunk: unknown, encoding: unknown): string | undefined {
    if (typeof chunk === 'string') {
      if (typeof encoding !== 'string' || encoding === 'utf8' || encoding === 'utf-8') {
        return chunk;
      }
      return this.decodeBytes(Buffer.from(chunk, encoding as BufferEncoding));
    }
    if (chunk instanceof Uint8Array) return this.decodeBytes(chunk);
    return undefined;
  }

  private decodeBytes(bytes: Uint8Array): string {
    // A multi-byte character may straddle two writes; the decoder keeps the partial bytes.
    this.decoder ??= new StringDecoder('utf8');
    return this.decoder.write(bytes as Buffer);
  }

  private detect(first: string): Mode {
    const encoding = this.hints.contentEncoding();
    if (encoding && encoding !== 'identity') return 'off'; // compressed bytes: timings only
    const type = this.hints.contentType()?.toLowerCase() ?? '';
    if (type.includes('text/event-stream')) return this.startSse();
    if (type.includes('json')) return 'json';
    // writeHead(status, headers) on a bare response hides its headers from getHeader(): sniff.
    const c = first.trimStart().charAt(0);
    if (c === '{' || c === '[') return this.hints.streamRequested() ? this.startSse() : 'json';
    return SSE_START.test(first) ? this.startSse() : 'off';
  }

  private startSse(): Mode {
    this.result.streamed = true;
    this.sse = new SseParser((data) => this.event(data));
    return 'sse';
  }

  private appendJson(text: string): void {
    if (this.body.length + text.length > MAX_OBSERVED_BODY_CHARS) {
      this.body = '';
      this.mode = 'off';
      return;
    }
    this.body += text;
  }

  private event(data: string): void {
    if (data === '[DONE]') return;
    // Once the model is known, an event naming no other model only says whether it
    // carries content (see quickContent); anything else is parsed.
    const model = this.modelField;
    let content =
      model !== undefined && (data.includes(model) || !data.includes('"model"'))
        ? quickContent(data)
        : undefined;
    if (content === undefined) {
      let payload: unknown;
      try {
        payload = JSON.parse(data);
      } catch {
        return; // not an OpenAI-style event; nothing to learn from it
      }
      content = this.take(payload).content;
    }
    if (!content) return;
    const r = this.result;
    if (r.firstContentAt === undefined) {
      r.firstContentAt = this.now;
    } else if (r.gapsMs.length < MAX_TOKEN_OBSERVATIONS) {
      r.gapsMs.push(this.now - r.lastContentAt!);
    }
    r.lastContentAt = this.now;
    r.contentEvents++;
  }

  private take(payload: unknown): PayloadFacts {
    const facts = payloadFacts(payload);
    if (facts.model !== undefined) {
      this.result.responseModel = facts.model;
      this.modelField = `"model":${JSON.stringify(facts.model)}`;
    }
    if (facts.completionTokens !== undefined) this.result.completionTokens = facts.completionTokens;
    if (facts.errorType !== undefined) this.result.errorType = facts.errorType;
    return facts;
  }
}
