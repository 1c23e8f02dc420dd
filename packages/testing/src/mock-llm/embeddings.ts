import { type RequestContext, sendJson } from './respond.js';
import { countTokens, list } from './tokens.js';

/** FNV-1a: a stable hash, so the same text always gets the same vector. */
function fnv1a(text: string, seed: number): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A unit-length vector derived from the text, like OpenAI's normalized embeddings. */
export function embed(text: string, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  let norm = 0;
  for (let d = 0; d < dimensions; d++) {
    const value = (fnv1a(text, d) / 0xffffffff) * 2 - 1;
    vector[d] = value;
    norm += value * value;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let d = 0; d < dimensions; d++) vector[d] = (vector[d] ?? 0) * scale;
  return vector;
}

/** `input` is a string, an array of strings, or token arrays (one or many). */
function inputs(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  const items = list(input);
  if (items.length > 0 && items.every((i) => typeof i === 'number')) return [items.join(' ')];
  return items.map((item) => (Array.isArray(item) ? item.join(' ') : String(item)));
}

/** Input tokens: ~4 characters a token for text; token arrays count their length. */
function inputTokens(input: unknown): number {
  if (typeof input === 'string') return countTokens(input);
  const items = list(input);
  if (items.every((i) => typeof i === 'number')) return items.length;
  return items.reduce<number>(
    (sum, item) => sum + (Array.isArray(item) ? item.length : countTokens(String(item))),
    0,
  );
}

/**
 * `POST /v1/embeddings`. Honours `encoding_format: 'base64'` (little-endian
 * float32), which the openai SDK asks for by default and decodes itself.
 */
export async function embeddings(ctx: RequestContext): Promise<void> {
  const { body, behavior } = ctx;
  const requested = Number(body.dimensions);
  const dimensions =
    Number.isInteger(requested) && requested > 0 ? requested : behavior.embeddingDimensions;
  const base64 = body.encoding_format === 'base64';
  const tokens = inputTokens(body.input);
  await sendJson(ctx, {
    object: 'list',
    data: inputs(body.input).map((text, index) => {
      const vector = embed(text, dimensions);
      return {
        object: 'embedding',
        index,
        embedding: base64 ? Buffer.from(vector.buffer).toString('base64') : Array.from(vector),
      };
    }),
    model: behavior.responseModel(String(body.model ?? '')),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

/** `GET /v1/models`. */
export async function models(ctx: RequestContext): Promise<void> {
  await sendJson(ctx, {
    object: 'list',
    data: ctx.behavior.models.map((id) => ({
      id,
      object: 'model',
      created: 1_721_172_741,
      owned_by: 'system',
    })),
  });
}
