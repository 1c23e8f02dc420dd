import type { LLMOperation } from '@llmeter/core';
import { reportInternalError } from '@llmeter/core/internal';
import { errorTypeOf } from './errors';
import type { StreamAccumulator } from './surfaces/surface';

/**
 * Watches the chunks of one streamed reply and ends its operation exactly
 * once: on exhaustion, when the consumer stops early (`break`, `return()`),
 * or on error. A reply with no finish reason ends with `incomplete: true`.
 */
export class StreamObserver {
  private ended = false;

  constructor(
    private readonly op: LLMOperation,
    private readonly acc: StreamAccumulator,
  ) {}

  // Arrow properties: allocated once per stream, not once per chunk.
  readonly onResult = (result: IteratorResult<unknown>): IteratorResult<unknown> => {
    if (result?.done) this.complete();
    else this.item(result?.value);
    return result;
  };

  readonly onError = (error: unknown): never => {
    this.error(error);
    throw error;
  };

  item(value: unknown): void {
    // Runs per chunk: no allocation here unless content capture assembles text.
    try {
      if (this.acc.add(value)) this.op.chunk();
    } catch (error) {
      reportInternalError('google-genai.stream.item', error);
    }
  }

  complete(): void {
    if (this.ended) return;
    this.ended = true;
    try {
      const result = this.acc.result();
      if (!this.acc.finished) result.incomplete = true;
      this.op.end(result);
    } catch (error) {
      reportInternalError('google-genai.stream.end', error);
    }
  }

  error(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    try {
      const result = this.acc.result();
      if (!this.acc.finished) result.incomplete = true;
      this.op.fail(error, { ...result, errorType: errorTypeOf(error) });
    } catch (e) {
      reportInternalError('google-genai.stream.fail', e);
    }
  }
}

type Step = (...args: unknown[]) => unknown;

function own(target: object, key: string, value: Step): void {
  Object.defineProperty(target, key, {
    value,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

/**
 * Observes the SDK's async generator in place: the caller keeps the very
 * object the SDK made (the SDK hands it on as it is when automatic
 * continuation is off), with own `next`/`return`/`throw` that call the
 * generator's own and watch what they give. Values and errors pass through
 * unchanged. Returns false for something that is not an async iterator.
 */
export function observeGenerator(generator: unknown, observer: StreamObserver): boolean {
  if (generator === null || typeof generator !== 'object') return false;
  const g = generator as { next?: unknown; return?: unknown; throw?: unknown };
  const next = g.next;
  const ret = g.return;
  const thr = g.throw;
  if (typeof next !== 'function') return false;
  own(generator, 'next', function observedNext(this: unknown, ...args: unknown[]) {
    let pending: unknown;
    try {
      pending = Reflect.apply(next, this, args);
    } catch (error) {
      observer.error(error);
      throw error;
    }
    return Promise.resolve(pending as Promise<IteratorResult<unknown>>).then(
      observer.onResult,
      observer.onError,
    );
  });
  if (typeof ret === 'function') {
    own(generator, 'return', function observedReturn(this: unknown, ...args: unknown[]) {
      // The consumer stopped (`break`): end now, so the duration is the time it read for.
      observer.complete();
      return Reflect.apply(ret, this, args);
    });
  }
  if (typeof thr === 'function') {
    own(generator, 'throw', function observedThrow(this: unknown, ...args: unknown[]) {
      observer.complete();
      return Reflect.apply(thr, this, args);
    });
  }
  return true;
}
