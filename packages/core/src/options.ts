/**
 * Numeric option parsing shared by core and the adapters: an option that is
 * not what it should be falls back (the caller decides whether to warn),
 * never throws.
 */

/** A finite number above zero, else undefined. */
export function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
