import { tracedStainlessCall } from '@llmeter/core/internal';
import { type SurfaceName, WRAPPED } from './constants';
import { SURFACES } from './surfaces';
import { OPENAI_CALLS } from './traced-call';

export type Method = ((...args: unknown[]) => unknown) & { [WRAPPED]?: unknown };

export function isWrapped(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as Method)[WRAPPED] !== undefined;
}

/**
 * A wrapper for a resource method. `clientOf` finds the client of the call:
 * fixed for a wrapped instance, `this._client` for a patched prototype (every
 * SDK resource keeps its client there).
 */
export function wrapMethod(
  original: Method,
  surfaceName: SurfaceName,
  clientOf: (self: unknown) => unknown,
): Method {
  const surface = SURFACES[surfaceName];
  const wrapped: Method = function llmeterWrapped(this: unknown, ...args: unknown[]) {
    return tracedStainlessCall(OPENAI_CALLS, surface, original, this, args, clientOf(this));
  };
  Object.defineProperty(wrapped, WRAPPED, { value: original });
  Object.defineProperty(wrapped, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapped, 'length', { value: original.length, configurable: true });
  return wrapped;
}

export function resourceClient(self: unknown): unknown {
  return (self as { _client?: unknown } | null | undefined)?._client;
}
