/**
 * Tolerant readers for request and response bodies: they come from users,
 * servers and gateways and may hold anything, so each returns undefined (or
 * an empty list) for what it cannot use instead of throwing.
 */

export type Json = Record<string, unknown>;

export const obj = (value: unknown): Json | undefined =>
  value !== null && typeof value === 'object' ? (value as Json) : undefined;

export const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

export const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** `stop_sequences`: the strings of an array, or undefined when there are none. */
export function strings(value: unknown): string[] | undefined {
  const out = list(value).filter((v): v is string => typeof v === 'string');
  return out.length > 0 ? out : undefined;
}
