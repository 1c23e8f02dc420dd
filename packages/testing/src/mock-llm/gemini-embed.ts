import { embed } from './embeddings.js';
import { type RequestContext, sendJson } from './respond.js';
import { countTokens, type Json, list, obj } from './tokens.js';

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  return list(obj(content).parts)
    .map((part) => (typeof obj(part).text === 'string' ? String(obj(part).text) : ''))
    .join('');
}

function dimensionsOf(request: Json, fallback: number): number {
  const wanted = Number(request.outputDimensionality);
  return Number.isInteger(wanted) && wanted > 0 ? wanted : fallback;
}

function embedding(request: Json, fallback: number): Json {
  return { values: Array.from(embed(textOf(request.content), dimensionsOf(request, fallback))) };
}

/**
 * `models/{model}:embedContent`: one content, one vector. The Gemini API
 * reports no token usage for embeddings; Vertex AI's does in `statistics`
 * of `:predict`, which this mock does not serve.
 */
export async function embedContent(ctx: RequestContext, _model: string): Promise<void> {
  await sendJson(ctx, { embedding: embedding(ctx.body, ctx.behavior.embeddingDimensions) });
}

/**
 * `models/{model}:batchEmbedContents`, what `@google/genai`'s
 * `models.embedContent()` calls on the Gemini API: one vector per request,
 * with `usageMetadata.promptTokenCount` as newer API versions add it.
 */
export async function batchEmbedContents(ctx: RequestContext, _model: string): Promise<void> {
  const requests = list(ctx.body.requests).map(obj);
  const tokens = requests.reduce((sum, r) => sum + countTokens(textOf(r.content)), 0);
  await sendJson(ctx, {
    embeddings: requests.map((r) => embedding(r, ctx.behavior.embeddingDimensions)),
    usageMetadata: { promptTokenCount: tokens, totalTokenCount: tokens },
  });
}
