/**
 * Tolerant readers for request and response bodies, shared by the adapters.
 * Bodies come from users and servers (gateways, proxies, OpenAI-compatible
 * ones, future API versions) and may hold anything: these return undefined
 * for what they cannot use instead of throwing.
 */

export type Json = Record<string, unknown>;

export function obj(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' ? (value as Json) : undefined;
}

/** A non-empty string. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
