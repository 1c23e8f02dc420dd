import { reportInternalError, warnOnce } from '@llmeter/core/internal';
import type { CallObserver } from './call';
import { API_PROMISE_PATCHES, CALLS as CALLS_SLOT } from './constants';

interface APIPromiseInternals {
  responsePromise?: Promise<unknown>;
  parse?: (...args: unknown[]) => unknown;
  asResponse?: (...args: unknown[]) => unknown;
}

/**
 * The call each SDK request belongs to, keyed by the request's own promise
 * (`responsePromise`). Promises the SDK derives from a call (`_thenUnwrap`:
 * `.parse()`, the SDK's own tracing of `create`) share it, so they find the
 * same call without being hooked themselves. On globalThis: the ESM and
 * CommonJS builds of this package patch one prototype between them.
 */
const holder = globalThis as typeof globalThis & {
  [CALLS_SLOT]?: WeakMap<object, CallObserver>;
  [API_PROMISE_PATCHES]?: Map<object, Pick<APIPromiseInternals, 'parse' | 'asResponse'>>;
};
holder[CALLS_SLOT] ??= new WeakMap();
const CALLS = holder[CALLS_SLOT];
/** Each patched `APIPromise` prototype with its own methods, for `restoreAPIPromises()`. */
holder[API_PROMISE_PATCHES] ??= new Map();
const PATCHED = holder[API_PROMISE_PATCHES];

function callOf(promise: APIPromiseInternals): CallObserver | undefined {
  const request = promise.responsePromise;
  return request === undefined ? undefined : CALLS.get(request);
}

/**
 * Wraps the parse step and `asResponse` of an `APIPromise` class once (each
 * copy of the SDK has its own class); instances keep their shape, and a
 * promise of a call llmeter does not measure passes through after one
 * WeakMap lookup.
 *
 * - `parse` (what `then`/`catch`/`finally`/`withResponse` run) gets a `then`
 *   on the promise it returns, which sees the same value or error the caller
 *   gets; the caller still chains on the SDK's own promise.
 * - `asResponse` ends the call once the response has arrived.
 *
 * Nothing runs before the caller consumes the promise: a call nobody awaits
 * behaves (and rejects) exactly as it would without llmeter.
 */
function patchPrototype(proto: APIPromiseInternals): boolean {
  if (PATCHED.has(proto)) return true;
  const { parse, asResponse } = proto;
  if (typeof parse !== 'function' || typeof asResponse !== 'function') return false;
  PATCHED.set(proto, { parse, asResponse });
  Object.defineProperty(proto, 'parse', {
    configurable: true,
    writable: true,
    value: function observedParse(this: APIPromiseInternals, ...args: unknown[]) {
      const parsed = Reflect.apply(parse, this, args);
      const call = callOf(this);
      if (call !== undefined && !call.parseStarted) {
        call.parseStarted = true;
        // Registered before the caller's own callbacks: a Stream is observed before it can be read.
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
      const call = callOf(this);
      // A second reaction on the request promise, settled by our handlers.
      if (call !== undefined && !call.parseStarted)
        this.responsePromise?.then(call.rawResponseArrived, call.failed);
      return response;
    },
  });
  return true;
}

/**
 * Puts every patched `APIPromise` prototype back as the SDK defined it
 * (`AnthropicInstrumentation.disable()`). A client wrapped by
 * `instrumentAnthropic()` patches its prototype again on its next call.
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
 * `.withResponse()`, `.asResponse()`, `._thenUnwrap()` and lazy parsing keep working.
 */
export function observeAPIPromise(promise: unknown, call: CallObserver): void {
  try {
    const target = promise as APIPromiseInternals | null;
    const request = target?.responsePromise;
    if (
      target !== null &&
      typeof target === 'object' &&
      request !== null &&
      typeof request === 'object' &&
      patchPrototype(Object.getPrototypeOf(target))
    ) {
      CALLS.set(request, call);
      return;
    }
    if (promise instanceof Promise && promise.constructor === Promise) {
      // A plain promise (not the SDK's lazy one): observing it changes nothing.
      promise.then(call.parsed, call.failed);
      return;
    }
    warnOnce(
      'anthropic.promise-shape',
      'Anthropic call returned an unexpected promise: call not measured',
    );
  } catch (error) {
    reportInternalError('anthropic.observe', error);
  }
  call.end();
}
