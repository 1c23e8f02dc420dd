import type { Usage } from '@llmeter/core';
import { num, obj } from './values';

/**
 * Chat and legacy completions usage: `prompt_tokens` already includes the
 * cached ones and `completion_tokens` the reasoning ones, which is how core
 * counts them (the details are subsets, recorded on the span).
 */
export function completionUsage(value: unknown): Usage | undefined {
  const u = obj(value);
  if (!u) return undefined;
  const usage: Usage = {};
  const input = num(u.prompt_tokens);
  if (input !== undefined) usage.inputTokens = input;
  const output = num(u.completion_tokens);
  if (output !== undefined) usage.outputTokens = output;
  const cached = num(obj(u.prompt_tokens_details)?.cached_tokens);
  if (cached !== undefined) usage.cacheReadInputTokens = cached;
  const reasoning = num(obj(u.completion_tokens_details)?.reasoning_tokens);
  if (reasoning !== undefined) usage.reasoningOutputTokens = reasoning;
  return usage;
}

/** Responses API usage: `input_tokens` / `output_tokens` with the same subset details. */
export function responsesUsage(value: unknown): Usage | undefined {
  const u = obj(value);
  if (!u) return undefined;
  const usage: Usage = {};
  const input = num(u.input_tokens);
  if (input !== undefined) usage.inputTokens = input;
  const output = num(u.output_tokens);
  if (output !== undefined) usage.outputTokens = output;
  const cached = num(obj(u.input_tokens_details)?.cached_tokens);
  if (cached !== undefined) usage.cacheReadInputTokens = cached;
  const reasoning = num(obj(u.output_tokens_details)?.reasoning_tokens);
  if (reasoning !== undefined) usage.reasoningOutputTokens = reasoning;
  return usage;
}

/** Embeddings usage: input tokens only. */
export function embeddingsUsage(value: unknown): Usage | undefined {
  const input = num(obj(value)?.prompt_tokens);
  return input === undefined ? undefined : { inputTokens: input };
}
