import { tracedStainlessCall } from '@llmeter/core/internal';
import { WRAPPED } from './constants';
import { replaceSdkMessagesSpans } from './sdk-tracing';
import { messagesSurface } from './surfaces/messages';
import { ANTHROPIC_CALLS } from './traced-call';

export type Method = ((...args: unknown[]) => unknown) & { [WRAPPED]?: unknown };

export function isWrapped(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as Method)[WRAPPED] !== undefined;
}

/** Marks `wrapped` as the stand-in of `original`, with its name and arity. */
function mark(wrapped: Method, original: Method): Method {
  Object.defineProperty(wrapped, WRAPPED, { value: original });
  Object.defineProperty(wrapped, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapped, 'length', { value: original.length, configurable: true });
  return wrapped;
}

/**
 * The wrapper of a `messages.create` method. `clientOf` finds the client of
 * the call: fixed for an instrumented instance, `this._client` for a patched
 * prototype (every SDK resource keeps its client there). `active` says
 * whether the SDK's own messages span is to be replaced (see sdk-tracing.ts).
 */
export function wrapCreate(
  original: Method,
  clientOf: (self: unknown) => unknown,
  active: () => boolean,
): Method {
  return mark(function llmeterCreate(this: unknown, ...args: unknown[]) {
    const client = clientOf(this);
    replaceSdkMessagesSpans(client, active);
    return tracedStainlessCall(ANTHROPIC_CALLS, messagesSurface, original, this, args, client);
  }, original);
}

/**
 * `messages.stream()` starts the SDK's span before it calls `create`: on a
 * patched prototype the client's tracer must be wrapped by then. Nothing else
 * happens here; the call is measured in `create`.
 */
export function wrapStream(
  original: Method,
  clientOf: (self: unknown) => unknown,
  active: () => boolean,
): Method {
  return mark(function llmeterStream(this: unknown, ...args: unknown[]) {
    try {
      replaceSdkMessagesSpans(clientOf(this), active);
    } catch {
      // the stream runs as without llmeter
    }
    return Reflect.apply(original, this, args);
  }, original);
}

export function resourceClient(self: unknown): unknown {
  return (self as { _client?: unknown } | null | undefined)?._client;
}
