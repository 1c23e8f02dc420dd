import type { LLMOperation } from '@llmeter/core';
import { reportInternalError } from '@llmeter/core/internal';
import type { StreamAccumulator } from './surfaces/surface';

/**
 * Watches the events of one streamed reply and ends its operation exactly
 * once: on exhaustion, when the consumer stops early (`break`, `return()`, a
 * cancelled readable, `controller.abort()`), or on error. A reply the
 * provider did not finish (no stop reason) ends with `incomplete: true`.
 */
export class StreamObserver {
  private ended = false;

  constructor(
    private readonly op: LLMOperation,
    private readonly acc: StreamAccumulator,
  ) {}

  event(value: unknown): void {
    // Runs per event: no allocation here unless content capture assembles the reply.
    try {
      if (this.acc.add(value)) this.op.chunk();
    } catch (error) {
      reportInternalError('anthropic.stream.event', error);
    }
  }

  /** The stream ran out, or the consumer stopped reading. */
  complete(): void {
    if (this.ended) return;
    this.ended = true;
    try {
      const result = this.acc.result();
      if (!this.acc.finished) result.incomplete = true;
      this.op.end(result);
    } catch (error) {
      reportInternalError('anthropic.stream.end', error);
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
      reportInternalError('anthropic.stream.fail', e);
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

  // Arrow properties: allocated once per stream, not once per event.
  private readonly onResult = (result: IteratorResult<T>): IteratorResult<T> => {
    if (result?.done) this.observer.complete();
    else this.observer.event(result?.value);
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
 * `Stream` keeps its source in an `iterator` factory that
 * `[Symbol.asyncIterator]()`, `tee()` and `toReadableStream()` all go
 * through (the SDK's own tracing too), so replacing that one factory covers
 * every way of reading while `controller`, `#private` fields and methods stay
 * untouched. Only the first iterator is observed: the SDK refuses a second
 * read of a stream with an error that is not the call's to report.
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
    return new ObservedIterator(inner, observer);
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
