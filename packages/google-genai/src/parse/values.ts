/**
 * Tolerant readers for request parameters and response bodies: core's shared
 * ones, and what only Google's bodies need.
 */

import { list, str } from '@llmeter/core/internal';

export { type Json, list, num, obj, str } from '@llmeter/core/internal';

export function strings(value: unknown): string[] | undefined {
  const out = list(value).filter((v): v is string => typeof v === 'string');
  return out.length > 0 ? out : undefined;
}

/**
 * The model id as the request names it, without the resource path the SDK
 * also accepts (`models/gemini-2.5-flash`, `projects/p/locations/l/publishers/google/models/gemini-2.5-flash`):
 * one metric series per model, whichever way it is spelt.
 */
export function modelId(value: unknown): string | undefined {
  const model = str(value);
  if (!model) return undefined;
  const at = model.lastIndexOf('models/');
  return at === -1 ? model : str(model.slice(at + 'models/'.length));
}
