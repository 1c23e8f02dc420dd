import { type SurfaceName, WRAPPED, WRAPPED_METHODS } from './constants';
import { SURFACES } from './surfaces';
import { tracedCall } from './traced-call';

export type Method = ((...args: unknown[]) => unknown) & { [WRAPPED]?: unknown };
type Indexable = Record<PropertyKey, unknown>;

export function isWrapped(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as Method)[WRAPPED] !== undefined;
}

/** A wrapper for a `Models` method; `this` is the `Models` object, which knows its API client. */
export function wrapMethod(original: Method, surfaceName: SurfaceName): Method {
  const surface = SURFACES[surfaceName];
  const wrapped: Method = function llmeterWrapped(this: unknown, ...args: unknown[]) {
    return tracedCall(surface, original, this, args);
  };
  Object.defineProperty(wrapped, WRAPPED, { value: original });
  Object.defineProperty(wrapped, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapped, 'length', { value: original.length, configurable: true });
  return wrapped;
}

/** Each surface's method on `target` (a `Models` object or its prototype): the first that exists. */
export function methodsOf(target: Indexable): { name: string; surface: SurfaceName }[] {
  const out: { name: string; surface: SurfaceName }[] = [];
  for (const { surface, methods } of WRAPPED_METHODS) {
    const name = methods.find((m) => typeof target[m] === 'function');
    if (name) out.push({ name, surface });
  }
  return out;
}
