import type { Usage } from '@llmeter/core';
import { type Json, num, obj } from './values';

/**
 * Anthropic's `usage` → core's. Anthropic's `input_tokens` leaves out the
 * tokens read from and written to the prompt cache; the GenAI conventions'
 * `gen_ai.usage.input_tokens` includes both (semconv anthropic.md), so they
 * are added here, and kept as the cache read / cache creation subsets.
 * Extended-thinking tokens, where the API reports them, are a subset of the output.
 */
export function messageUsage(value: unknown): Usage | undefined {
  const u = obj(value);
  if (!u) return undefined;
  const usage: Usage = {};
  const input = num(u.input_tokens);
  const cacheRead = num(u.cache_read_input_tokens);
  const cacheCreation = num(u.cache_creation_input_tokens);
  if (input !== undefined || cacheRead !== undefined || cacheCreation !== undefined) {
    usage.inputTokens = (input ?? 0) + (cacheRead ?? 0) + (cacheCreation ?? 0);
  }
  if (cacheRead !== undefined) usage.cacheReadInputTokens = cacheRead;
  if (cacheCreation !== undefined) usage.cacheCreationInputTokens = cacheCreation;
  const output = num(u.output_tokens);
  if (output !== undefined) usage.outputTokens = output;
  const thinking = num(obj(u.output_tokens_details)?.thinking_tokens);
  if (thinking !== undefined) usage.reasoningOutputTokens = thinking;
  return Object.keys(usage).length > 0 ? usage : undefined;
}

/**
 * A streamed reply's usage so far: `message_start` carries the input and
 * cache counts (and a first output count); each `message_delta` carries
 * cumulative counts that replace them. Current API versions repeat the input
 * and cache counts there, older ones send only `output_tokens`: fields are
 * overwritten, never added, so nothing is counted twice either way.
 */
export function mergeUsage(into: Json | undefined, delta: unknown): Json | undefined {
  const d = obj(delta);
  if (!d) return into;
  const merged: Json = { ...into };
  for (const key of Object.keys(d)) {
    if (d[key] !== null && d[key] !== undefined) merged[key] = d[key];
  }
  return merged;
}
