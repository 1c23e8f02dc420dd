import type { LLMOperation } from '@llmeter/core';
import {
  type AbandonmentWatcher,
  endAbandoned,
  reportInternalError,
  warnOnce,
  watchAbandonment,
} from '@llmeter/core/internal';
import { API_PROMISE_PATCHES, CALLS as CALLS_SLOT } from './constants';
import { isStream, observeStream, StreamObserver } from './stream';
import type { Surface } from './surfaces/surface';

/**
 * Everything known about one call between the request and its outcome. Every
 * path that ends the operation goes through here, so it ends exactly once.
 */
export class CallObserver implements AbandonmentWatcher {
  private settled = false;
  /** The caller (or an SDK helper) consumed the promise: await, then, withResponse, ... */
  parseStarted = false;
  /** The caller took the raw response (`asResponse()`): it reads the body itself. */
  rawTaken = false;
  private rawCheckScheduled = false;

  constructor(
    private readonly op: LLMOperation,
    private readonly surface: Surface,
    private readonly capture: boolean,
    private readonly streaming: boolean,
  ) {}

  // Arrow properties: handed to `then` as they are, no closure per call site.
  readonly parsed = (value: unknown): void => {
    if (this.settled) return;
    this.settled = true;
    try {
      if (this.streaming && isStream(value)) {
        const observer = new StreamObserver(this.op, this.surface.accumulator(this.capture));
        if (observeStream(value, observer)) {
          // A stream the caller drops unread still ends its operation.
          watchAbandonment(value, observer);
          return;
        }
        warnOnce(
          'openai.stream-shape',
          'openai Stream without an iterator factory: stream not measured',
        );
        this.op.end({ incomplete: true });
        return;
      }
      const result = this.surface.result(value, this.capture);
      const failure = this.surface.failure?.(value);
      if (failure) this.op.fail(failure.error, { ...result, errorType: failure.errorType });
      else this.op.end(result);
    } catch (error) {
      reportInternalError('openai.result', error);
      this.end();
    }
  };

  readonly failed = (error: unknown): void => {
    if (this.settled) return;
    this.settled = true;
    try {
      this.op.fail(error);
    } catch (e) {
      reportInternalError('openai.fail', e);
    }
  };

  /**
   * The promise handed to the caller was collected. Once consumed, the SDK's
   * own chain (not that object) carries the call to its end; never consumed,
   * nothing will: end it as abandoned.
   */
  abandoned(): void {
    if (this.settled || this.parseStarted || this.rawTaken) return;
    this.settled = true;
    endAbandoned(this.op);
  }

  /** Nothing more can be learnt about the call: end it with what is known. */
  end(): void {
    this.settled = true;
    try {
      this.op.end();
    } catch (error) {
      reportInternalError('openai.end', error);
    }
  }

  /**
   * A caller that takes the raw `Response` reads the body itself, so no parse
   * will tell us the outcome: end when the response has arrived, unless a parse
   * started meanwhile. Checked on the next macrotask, after the caller's own
   * chained callbacks have run.
   */
  rawResponseArrived(): void {
    if (this.rawCheckScheduled || this.settled) return;
    this.rawCheckScheduled = true;
    setImmediate(() => {
      if (!this.parseStarted && !this.settled) this.end();
    });
  }

  /** Made on demand, not per call like `parsed`/`failed`: few callers take the raw response. */
  rawResponseHandler(): () => void {
    return () => this.rawResponseArrived();
  }
}

interface APIPromiseInternals {
  responsePromise?: Promise<unknown>;
  parse?: (...args: unknown[]) => unknown;
  asResponse?: (...args: unknown[]) => unknown;
}

/**
 * The call each SDK request belongs to, keyed by the request's own promise
 * (`responsePromise`). Promises the SDK derives from a call (`_thenUnwrap`:
 * `.parse()`, `withResponse()` in v7, helpers) share that request promise, so
 * they find the same call without being hooked themselves.
 */
// On globalThis: the ESM and CommonJS builds of this package patch one prototype between them.
const holder = globalThis as typeof globalThis & {
  [CALLS_SLOT]?: WeakMap<object, CallObserver>;
  [API_PROMISE_PATCHES]?: Map<object, Pick<APIPromiseInternals, 'parse' | 'asResponse'>>;
};
holder[CALLS_SLOT] ??= new WeakMap();
const CALLS = holder[CALLS_SLOT];
/** Each patched `APIPromise` prototype with its own methods, for `restoreAPIPromises()`. */
holder[API_PROMISE_PATCHES] ??= new Map();
const PATCHED = holder[API_PROMISE_PATCHES];

/**
 * Wraps the parse step and `asResponse` of an `APIPromise` class once (each
 * copy of `openai` has its own class). Instances keep their shape, which
 * keeps the SDK's own code as fast as it was, and a promise of a call llmeter
 * does not measure passes through after one WeakMap lookup.
 *
 * - `parse` (what `then`/`catch`/`finally`/`withResponse` run) gets a `then`
 *   on the promise it returns, which sees the parsed value or the error (HTTP
 *   status, connection, timeout, abort, bad body): the same objects the
 *   caller gets. The promise the caller chains on is the SDK's own, and the
 *   derived one is settled by our handlers, so it never rejects.
 * - `asResponse` (the caller reads the body itself) ends the call once the
 *   response has arrived.
 *
 * Nothing runs before the caller consumes the promise: a call nobody awaits
 * behaves (and rejects) exactly as it would without llmeter.
 */
function patchPrototype(proto: APIPromiseInternals): boolean {
  if (PATCHED.has(proto)) return true;
  const parse = proto.parse;
  const asResponse = proto.asResponse;
  if (typeof parse !== 'function' || typeof asResponse !== 'function') return false;
  PATCHED.set(proto, { parse, asResponse });
  Object.defineProperty(proto, 'parse', {
    configurable: true,
    writable: true,
    value: function observedParse(this: APIPromiseInternals, ...args: unknown[]) {
      const parsed = Reflect.apply(parse, this, args);
      const request = this.responsePromise;
      const call = request === undefined ? undefined : CALLS.get(request);
      if (call !== undefined && !call.parseStarted) {
        call.parseStarted = true;
        // Registered before the caller's own callbacks, so a Stream is
        // observed before the caller can start reading it.
        (parsed as Promise<unknown>)?.then?.(call.parsed, call.failed);
      }
      return parsed;
    },
  });
  Object.defineProperty(proto, 'asResponse', {
    configurable: true,
    writable: true,
    value: function observedAsResponse(this: APIPromiseInternals, ...args: unknown[]) {
      const response = Reflect.apply(asResponse, this, args);
      const request = this.responsePromise;
      const call = request === undefined ? undefined : CALLS.get(request);
      if (call !== undefined) call.rawTaken = true;
      if (call !== undefined && !call.parseStarted) {
        // A second reaction on the request promise, settled by our handlers.
        request?.then(call.rawResponseHandler(), call.failed);
      }
      return response;
    },
  });
  return true;
}

/**
 * Puts every patched `APIPromise` prototype back as the SDK defined it (on
 * disable). A client wrapped by `instrumentOpenAI()` patches its prototype
 * again on its next call.
 */
export function restoreAPIPromises(): void {
  for (const [proto, originals] of PATCHED) {
    for (const key of ['parse', 'asResponse'] as const) {
      Object.defineProperty(proto, key, {
        configurable: true,
        writable: true,
        value: originals[key],
      });
    }
  }
  PATCHED.clear();
}

/**
 * Observes an SDK `APIPromise` without touching the object the caller gets:
 * `.withResponse()`, `.asResponse()`, `._thenUnwrap()` and lazy parsing keep
 * working, and the instance keeps its shape.
 */
export function observeAPIPromise(promise: unknown, observer: CallObserver): void {
  const target = promise as APIPromiseInternals | null;
  const request = target?.responsePromise;
  if (
    target !== null &&
    typeof target === 'object' &&
    request !== null &&
    typeof request === 'object' &&
    patchPrototype(Object.getPrototypeOf(target))
  ) {
    CALLS.set(request, observer);
    return;
  }
  if (promise instanceof Promise && promise.constructor === Promise) {
    // A plain promise (not the SDK's lazy one): observing it changes nothing.
    promise.then(observer.parsed, observer.failed);
    return;
  }
  warnOnce('openai.promise-shape', 'openai call returned an unexpected promise: call not measured');
  observer.end();
}
