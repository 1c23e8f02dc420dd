/**
 * Tolerant readers for request and response bodies: core's shared ones, and
 * what only OpenAI's bodies need.
 */

export { type Json, list, num, obj, str } from '@llmeter/core/internal';

/** `stop` is a string or an array of strings. */
export function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return undefined;
  const out = value.filter((v): v is string => typeof v === 'string');
  return out.length > 0 ? out : undefined;
}

/** Tool-call arguments arrive as JSON text; core records the parsed value when it parses. */
export { parseToolArguments as parseArguments } from '@llmeter/core/internal';
