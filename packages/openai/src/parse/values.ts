/**
 * Tolerant readers for request and response bodies. Bodies come from users
 * and servers (OpenAI-compatible ones included) and may hold anything; these
 * return undefined for what they cannot use instead of throwing.
 */

export type Json = Record<string, unknown>;

export function obj(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' ? (value as Json) : undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** `stop` is a string or an array of strings. */
export function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return undefined;
  const out = value.filter((v): v is string => typeof v === 'string');
  return out.length > 0 ? out : undefined;
}

/** Tool-call arguments arrive as JSON text; core records the parsed value when it parses. */
export { parseToolArguments as parseArguments } from '@llmeter/core/internal';
