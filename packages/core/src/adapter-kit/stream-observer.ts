import { reportInternalError } from '../internal-log';
import { endAbandoned } from '../recorder/abandoned';
import type { LLMOperation, LLMOperationResult } from '../types';

/** What a stream (or a whole response) reported in-band as a failure, e.g. an OpenAI `response.failed`. */
export interface StreamFailure {
  error: unknown;
  errorType: string;
}

/**
 * The SDK-specific half of a streamed reply: reads it item by item. One per
 * stream; `add` runs on every item the consumer pulls, so it stays cheap and
 * allocation-free when content capture is off.
 */
export interface StreamAccumulator {
  /** Reads one item; true when it is an output chunk (it then counts for TTFT and time per chunk). */
  add(item: unknown): boolean;
  /** True once the provider finished the reply (a finish/stop reason, or a terminal event). */
  readonly finished: boolean;
  /** What is known so far. */
  result(): LLMOperationResult;
  /** A failure the stream reported in-band; absent for SDKs whose streams cannot. */
  failure?(): StreamFailure | undefined;
}

/**
 * Who is observing: one constant object per adapter, shared by all its calls,
 * so nothing about it is allocated per call.
 */
export interface AdapterKit {
  /** Prefix of the adapter's diagnostics keys (`openai`, `anthropic`, ...). */
  readonly name: string;
  /** The SDK's name as users write it, in warnings. */
  readonly sdk: string;
  /** `error.type` of an error thrown while reading; core's classification when absent. */
  errorType?(error: unknown): string | undefined;
}

/**
 * Watches the items of one streamed reply and ends its operation exactly once:
 * on exhaustion, when the consumer stops early (`break`, `return()`, a
 * cancelled readable, an abort), or on error. A reply the provider did not
 * finish ends with `incomplete: true`. What is read from each item is the
 * accumulator's; per item this costs the adapter's `add` and, for a content
 * chunk, `op.chunk()` (a timestamp and a counter).
 */
export class StreamObserver {
  private ended = false;
  /** Reading began: from here the reader, not the stream object, carries the call to its end. */
  started = false;

  constructor(
    private readonly op: LLMOperation,
    private readonly acc: StreamAccumulator,
    private readonly kit: AdapterKit,
  ) {}

  // Arrow properties: allocated once per stream, handed to every `then` as they are.
  readonly onResult = <T>(result: IteratorResult<T>): IteratorResult<T> => {
    if (result?.done) this.complete();
    else this.item(result?.value);
    return result;
  };

  readonly onError = (error: unknown): never => {
    this.error(error);
    throw error;
  };

  item(value: unknown): void {
    try {
      if (this.acc.add(value)) this.op.chunk();
    } catch (error) {
      reportInternalError(`${this.kit.name}.stream.item`, error);
    }
  }

  /** The stream object was collected; never read, nothing else will end the call. */
  abandoned(): void {
    if (!this.canBeAbandoned()) return;
    this.ended = true;
    endAbandoned(this.op);
  }

  canBeAbandoned(): boolean {
    return !(this.ended || this.started);
  }

  /**
   * The reader was collected before the stream ended: the caller stopped
   * reading without `return()` and let go of it. A read in progress keeps the
   * reader reachable, so this never cuts a live read short.
   */
  readerDropped(): void {
    if (this.ended) return;
    this.ended = true;
    endAbandoned(this.op);
  }

  /** The stream ran out, or the consumer stopped reading. */
  complete(): void {
    if (this.ended) return;
    this.ended = true;
    try {
      const result = this.acc.result();
      if (!this.acc.finished) result.incomplete = true;
      const failure = this.acc.failure?.();
      if (failure) this.op.fail(failure.error, { ...result, errorType: failure.errorType });
      else this.op.end(result);
    } catch (error) {
      reportInternalError(`${this.kit.name}.stream.end`, error);
    }
  }

  error(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    try {
      const result = this.acc.result();
      if (!this.acc.finished) result.incomplete = true;
      const errorType = this.kit.errorType;
      this.op.fail(error, errorType ? { ...result, errorType: errorType(error) } : result);
    } catch (e) {
      reportInternalError(`${this.kit.name}.stream.fail`, e);
    }
  }
}
