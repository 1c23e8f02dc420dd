/**
 * Sets a property the way an instrumented object should carry llmeter's own
 * additions: not enumerable (so `Object.keys`, spreads and `JSON.stringify` of
 * the user's client see what they saw before), but writable and configurable
 * (so the SDK, a later `instrument…()` call or `disable()` can replace it).
 */
export function setHidden(target: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    configurable: true,
    writable: true,
    enumerable: false,
  });
}
