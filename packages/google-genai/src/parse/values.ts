/**
 * Tolerant readers for request parameters and response bodies, which may
 * hold anything (a gateway, a proxy, a future API version): they return
 * undefined for what they cannot use instead of throwing.
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
