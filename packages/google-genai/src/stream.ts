import { type AdapterKit, type StreamObserver, watchAbandonment } from '@llmeter/core/internal';
import { errorTypeOf } from './errors';

/** Who observes @google/genai streams (core's StreamObserver reads them; see adapter-kit/). */
export const KIT: AdapterKit = {
  name: 'google-genai',
  sdk: '@google/genai',
  errorType: errorTypeOf,
};

type Step = (...args: unknown[]) => unknown;

/** The arguments of a plain `next()`, shared: `Reflect.apply` only reads them. */
const NO_ARGS: readonly unknown[] = Object.freeze([]);

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
 * unchanged. The generator is both what the caller holds and its reader: once
 * it is collected before the stream ended, the call ends as abandoned (a read
 * in progress keeps it reachable). Returns false for something that is not an
 * async iterator.
 */
export function observeGenerator(generator: unknown, observer: StreamObserver): boolean {
  if (generator === null || typeof generator !== 'object') return false;
  const g = generator as { next?: unknown; return?: unknown; throw?: unknown };
  const next = g.next;
  const ret = g.return;
  const thr = g.throw;
  if (typeof next !== 'function') return false;
  // One argument, not `...args` (a rest array and spread on every chunk): see core's ObservedIterator.
  own(generator, 'next', function observedNext(this: unknown, value?: unknown) {
    let pending: unknown;
    try {
      pending = Reflect.apply(next, this, value === undefined ? NO_ARGS : [value]);
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
  watchAbandonment(generator, observer);
  return true;
}
