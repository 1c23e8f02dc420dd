import type { LLMOperationResult, Usage } from '@llmeter/core';
import { FINISH_REASON } from '../constants';
import { type Json, num, obj, str } from './values';

/**
 * Provider-level usage (LanguageModelV4Usage): `inputTokens.total` includes
 * the cached ones and `outputTokens.total` the reasoning ones, which is how
 * core counts them (cache and reasoning counts are subsets, on the span).
 * Also reads the AI SDK's flattened `LanguageModelUsage` of the object APIs'
 * events (`inputTokens: number`, `inputTokenDetails`, `outputTokenDetails`).
 */
export function usageOf(value: unknown): Usage | undefined {
  const u = obj(value);
  if (!u) return undefined;
  const usage: Usage = {};
  const input = obj(u.inputTokens);
  const output = obj(u.outputTokens);
  const inputTotal = input ? num(input.total) : num(u.inputTokens);
  const outputTotal = output ? num(output.total) : num(u.outputTokens);
  const inputDetails = input ?? obj(u.inputTokenDetails);
  const outputDetails = output ?? obj(u.outputTokenDetails);
  if (inputTotal !== undefined) usage.inputTokens = inputTotal;
  if (outputTotal !== undefined) usage.outputTokens = outputTotal;
  const cacheRead = num(inputDetails?.cacheRead ?? inputDetails?.cacheReadTokens);
  if (cacheRead !== undefined && cacheRead > 0) usage.cacheReadInputTokens = cacheRead;
  const cacheWrite = num(inputDetails?.cacheWrite ?? inputDetails?.cacheWriteTokens);
  if (cacheWrite !== undefined && cacheWrite > 0) usage.cacheCreationInputTokens = cacheWrite;
  const reasoning = num(outputDetails?.reasoning ?? outputDetails?.reasoningTokens);
  if (reasoning !== undefined && reasoning > 0) usage.reasoningOutputTokens = reasoning;
  return usage.inputTokens === undefined && usage.outputTokens === undefined ? undefined : usage;
}

/** Embedding model usage: `{ tokens }` (NaN when the provider reported none). */
export function embeddingUsageOf(value: unknown): Usage | undefined {
  const tokens = num(obj(value)?.tokens);
  return tokens === undefined ? undefined : { inputTokens: tokens };
}

/**
 * The provider's own finish reason (`raw`: `stop`, `tool_calls`, `end_turn`),
 * as the other llmeter adapters record it; else the AI SDK's unified one in
 * the semconv spelling (`tool-calls` → `tool_calls`).
 */
export function finishReasonOf(value: unknown): string | undefined {
  if (typeof value === 'string') return FINISH_REASON[value] ?? str(value);
  const f = obj(value);
  if (!f) return undefined;
  const raw = str(f.raw);
  if (raw) return raw;
  const unified = str(f.unified);
  return unified ? (FINISH_REASON[unified] ?? unified) : undefined;
}

/** A non-streamed provider result (`doGenerate`): response id and model, finish reason, usage. */
export function generateResultOf(value: unknown): LLMOperationResult {
  const r = obj(value);
  if (!r) return {};
  const response = obj(r.response);
  const reason = finishReasonOf(r.finishReason);
  return {
    responseModel: str(response?.modelId),
    responseId: str(response?.id),
    finishReasons: reason ? [reason] : undefined,
    usage: usageOf(r.usage),
  };
}

/** What a stream's `response-metadata` part says: response id and model. */
export function mergeMetadata(result: LLMOperationResult, part: Json): void {
  const model = str(part.modelId);
  if (model) result.responseModel = model;
  const id = str(part.id);
  if (id) result.responseId = id;
}

/** A stream's `finish` part: finish reason and usage. */
export function mergeFinish(result: LLMOperationResult, part: Json): void {
  const reason = finishReasonOf(part.finishReason);
  if (reason) result.finishReasons = [reason];
  const usage = usageOf(part.usage);
  if (usage) result.usage = usage;
}
