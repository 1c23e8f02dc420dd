import type { Usage } from '@llmeter/core';
import { list, num, obj } from './values';

/**
 * `usageMetadata` of a Gemini response, mapped as the conventions count:
 * input = prompt + tool-use prompt tokens (cached content is already part of
 * the prompt count, and a subset: cache read); output = candidates + thoughts
 * (Gemini reports thinking tokens apart from the candidates, and bills them as
 * output; they are also the reasoning subset).
 */
export function geminiUsage(value: unknown): Usage | undefined {
  const u = obj(value);
  if (!u) return undefined;
  const usage: Usage = {};
  const prompt = num(u.promptTokenCount);
  const toolPrompt = num(u.toolUsePromptTokenCount);
  if (prompt !== undefined || toolPrompt !== undefined) {
    usage.inputTokens = (prompt ?? 0) + (toolPrompt ?? 0);
  }
  const candidates = num(u.candidatesTokenCount);
  const thoughts = num(u.thoughtsTokenCount);
  if (candidates !== undefined || thoughts !== undefined) {
    usage.outputTokens = (candidates ?? 0) + (thoughts ?? 0);
  }
  const cached = num(u.cachedContentTokenCount);
  if (cached !== undefined) usage.cacheReadInputTokens = cached;
  if (thoughts !== undefined) usage.reasoningOutputTokens = thoughts;
  return usage.inputTokens === undefined && usage.outputTokens === undefined ? undefined : usage;
}

/**
 * Embeddings: the Gemini API's `usageMetadata.promptTokenCount`, or Vertex
 * AI's per-embedding `statistics.tokenCount`, summed.
 */
export function embeddingsUsage(response: unknown): Usage | undefined {
  const r = obj(response);
  const prompt = num(obj(r?.usageMetadata)?.promptTokenCount);
  if (prompt !== undefined) return { inputTokens: prompt };
  let total: number | undefined;
  for (const e of list(r?.embeddings)) {
    const count = num(obj(obj(e)?.statistics)?.tokenCount);
    if (count !== undefined) total = (total ?? 0) + count;
  }
  return total === undefined ? undefined : { inputTokens: total };
}
