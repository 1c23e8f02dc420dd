import type { LLMOperation } from '@llmeter/core';
import {
  type AbandonmentWatcher,
  endAbandoned,
  reportInternalError,
  watchAbandonment,
} from '@llmeter/core/internal';
import type { StreamAccumulator } from './surfaces/surface';

/**
 * Watches the items of one streamed reply and ends its operation exactly once:
 * on exhaustion, when the consumer stops early (`break`, `return()`, a
 * cancelled readable), or on error. A reply the provider did not finish
 * (no finish reason / no terminal event) ends with `incomplete: true`.
 */
export class StreamObserver implements AbandonmentWatcher {
  private ended = false;
  /** Reading began: from here the iterator, not the Stream object, carries the call to its end. */
  started = false;

  constructor(
    private readonly op: LLMOperation,
    private readonly acc: StreamAccumulator,
  ) {}

  item(value: unknown): void {
    // Runs per chunk: no allocation here unless content capture assembles text.
    try {
      if (this.acc.add(value)) this.op.chunk();
    } catch (error) {
      reportInternalError('openai.stream.item', error);
    }
  }

  /** The Stream object was collected; never read, nothing else will end the call. */
  abandoned(): void {
    if (this.ended || this.started) return;
    this.ended = true;
    endAbandoned(this.op);
  }

  /**
   * The iterator reading the stream was collected before the stream ended: the
   * caller stopped reading without `return()` and let go of it. A read in
   * progress keeps the iterator reachable, so this never cuts a live read short.
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
      const failure = this.acc.failure();
      if (failure) this.op.fail(failure.error, { ...result, errorType: failure.errorType });
      else this.op.end(result);
    } catch (error) {
      reportInternalError('openai.stream.end', error);
    }
  }

  error(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    try {
      const result = this.acc.result();
      if (!this.acc.finished) result.incomplete = true;
      this.op.fail(error, result);
    } catch (e) {
      reportInternalError('openai.stream.fail', e);
    }
  }
}

/**
 * The SDK's iterator, observed. Every call and result passes through
 * unchanged (same values, same errors); only `then` callbacks are added.
 */
class ObservedIterator<T> implements AsyncIterator<T> {
  constructor(
    private readonly inner: AsyncIterator<T>,
    private readonly observer: StreamObserver,
  ) {}

  // Arrow properties: allocated once per stream, not once per chunk.
  private readonly onResult = (result: IteratorResult<T>): IteratorResult<T> => {
    if (result?.done) this.observer.complete();
    else this.observer.item(result?.value);
    return result;
  };

  private readonly onError = (error: unknown): never => {
    this.observer.error(error);
    throw error;
  };

  next(...args: [] | [unknown]): Promise<IteratorResult<T>> {
    let pending: Promise<IteratorResult<T>>;
    try {
      pending = this.inner.next(...args);
    } catch (error) {
      this.observer.error(error);
      throw error;
    }
    return Promise.resolve(pending).then(this.onResult, this.onError);
  }

  return(value?: unknown): Promise<IteratorResult<T>> {
    // The consumer stopped: end now, so the duration is the time the consumer spent.
    this.observer.complete();
    const ret = this.inner.return;
    if (typeof ret !== 'function')
      return Promise.resolve({ done: true, value } as IteratorResult<T>);
    return Reflect.apply(ret, this.inner, [value]);
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.observer.complete();
    const thr = this.inner.throw;
    if (typeof thr !== 'function') return Promise.reject(error);
    return Reflect.apply(thr, this.inner, [error]);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

type StreamInternals = { iterator?: (...args: unknown[]) => AsyncIterator<unknown> };

/**
 * Observes an SDK `Stream` in place, keeping the object the caller holds.
 * `Stream` keeps its source in an `iterator` factory that `[Symbol.asyncIterator]()`,
 * `tee()` and `toReadableStream()` all go through, so replacing that one
 * factory covers every way of reading the stream while `controller`, `#private`
 * fields and methods stay untouched. Only the first iterator is observed: the
 * SDK refuses a second read of the same stream with an error that is not the
 * call's to report. Returns false when the stream has no such factory.
 */
export function observeStream(stream: object, observer: StreamObserver): boolean {
  const target = stream as StreamInternals;
  const factory = target.iterator;
  if (typeof factory !== 'function') return false;
  let claimed = false;
  target.iterator = function observedIterator(this: unknown, ...args: unknown[]) {
    const inner = Reflect.apply(factory, this, args);
    if (claimed) return inner;
    claimed = true;
    observer.started = true;
    const observed = new ObservedIterator(inner, observer);
    // Held by the registry: must not reference the iterator itself.
    watchAbandonment(observed, { abandoned: () => observer.readerDropped() });
    return observed;
  };
  return true;
}

export function isStream(value: unknown): value is object {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function' &&
    'controller' in value
  );
}
