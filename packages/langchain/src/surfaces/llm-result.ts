import type { GenAIMessage, LLMOperationResult, Usage } from '@llmeter/core';
import { textOf, toGenAIMessage } from '../messages';
import { asRecord, asString, finite } from '../util';

/**
 * What a model run's `LLMResult` says: response model and id, finish reasons
 * and usage, from the places the integrations put them (`message.usage_metadata`,
 * `message.response_metadata`, `generationInfo`, `llmOutput`).
 */
export function resultOf(
  output: unknown,
  options: { estimatedUsage: boolean; capture: boolean; chat: boolean },
): LLMOperationResult {
  const out = asRecord(output);
  const llmOutput = asRecord(out.llmOutput);
  const generations = firstPromptGenerations(out.generations);
  const result: LLMOperationResult = {};

  const finishReasons: string[] = [];
  let usage: Usage | undefined;
  for (const generation of generations) {
    const g = asRecord(generation);
    const info = asRecord(g.generationInfo);
    const message = asRecord(g.message);
    const meta = asRecord(message.response_metadata);
    const reason =
      asString(info.finish_reason) ??
      asString(meta.finish_reason) ??
      asString(meta.stop_reason) ??
      asString(meta.finishReason) ??
      asString(meta.done_reason) ??
      asString(meta.stopReason) ??
      asString(info.finishReason) ??
      asString(info.stop_reason);
    if (reason) finishReasons.push(reason);
    result.responseModel ??=
      asString(meta.model_name) ??
      asString(meta.model) ??
      asString(meta.model_id) ??
      asString(meta.modelId) ??
      asString(info.model_name) ??
      asString(info.model);
    result.responseId ??= responseIdOf(message, meta);
    usage ??= usageMetadata(message.usage_metadata);
  }
  if (finishReasons.length > 0) result.finishReasons = finishReasons;
  result.responseModel ??= asString(llmOutput.model_name) ?? asString(llmOutput.model);
  result.responseId ??= asString(llmOutput.id);
  usage ??= tokenUsage(llmOutput.tokenUsage) ?? providerUsage(llmOutput.usage);
  if (!usage && options.estimatedUsage) {
    const estimate = tokenUsage(llmOutput.estimatedTokenUsage);
    if (estimate) usage = { ...estimate, estimated: true };
  }
  if (usage) result.usage = usage;
  if (options.capture) {
    const messages = outputMessages(generations, options.chat);
    if (messages) result.outputMessages = messages;
  }
  return result;
}

/** A run has one prompt; its generations are the choices. */
function firstPromptGenerations(value: unknown): unknown[] {
  if (!Array.isArray(value)) return [];
  const first = value[0];
  return Array.isArray(first) ? first : [];
}

/** LangChain names messages `run-{runId}` when the provider gave no id; that is not a response id. */
function responseIdOf(
  message: Record<string, unknown>,
  meta: Record<string, unknown>,
): string | undefined {
  const id = asString(message.id);
  if (id && !id.startsWith('run-') && !id.startsWith('lc_run--')) return id;
  return asString(meta.id);
}

/** LangChain's `UsageMetadata`: input_tokens already sums every input kind, cached included. */
export function usageMetadata(value: unknown): Usage | undefined {
  const u = asRecord(value);
  const input = finite(u.input_tokens);
  const output = finite(u.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  const usage: Usage = {};
  if (input !== undefined) usage.inputTokens = input;
  if (output !== undefined) usage.outputTokens = output;
  const inDetails = asRecord(u.input_token_details);
  const outDetails = asRecord(u.output_token_details);
  const cacheRead = finite(inDetails.cache_read);
  const cacheCreation = finite(inDetails.cache_creation);
  const reasoning = finite(outDetails.reasoning);
  if (cacheRead) usage.cacheReadInputTokens = cacheRead;
  if (cacheCreation) usage.cacheCreationInputTokens = cacheCreation;
  if (reasoning) usage.reasoningOutputTokens = reasoning;
  return usage;
}

/** `llmOutput.tokenUsage` / `estimatedTokenUsage`: `{ promptTokens, completionTokens }`. */
function tokenUsage(value: unknown): Usage | undefined {
  const u = asRecord(value);
  const input = finite(u.promptTokens);
  const output = finite(u.completionTokens);
  if (input === undefined && output === undefined) return undefined;
  const usage: Usage = {};
  if (input !== undefined) usage.inputTokens = input;
  if (output !== undefined) usage.outputTokens = output;
  return usage;
}

/** Raw provider usage some integrations put in `llmOutput.usage` (Anthropic's shape). */
function providerUsage(value: unknown): Usage | undefined {
  const u = asRecord(value);
  const input = finite(u.input_tokens) ?? finite(u.prompt_tokens);
  const output = finite(u.output_tokens) ?? finite(u.completion_tokens);
  if (input === undefined && output === undefined) return undefined;
  const cacheRead = finite(u.cache_read_input_tokens) ?? 0;
  const cacheCreation = finite(u.cache_creation_input_tokens) ?? 0;
  const usage: Usage = {};
  // Anthropic counts cached input apart from input_tokens; semconv input includes it.
  if (input !== undefined) usage.inputTokens = input + cacheRead + cacheCreation;
  if (output !== undefined) usage.outputTokens = output;
  if (cacheRead) usage.cacheReadInputTokens = cacheRead;
  if (cacheCreation) usage.cacheCreationInputTokens = cacheCreation;
  return usage;
}

function outputMessages(generations: unknown[], chat: boolean): GenAIMessage[] | undefined {
  const out: GenAIMessage[] = [];
  for (const generation of generations) {
    const g = asRecord(generation);
    const info = asRecord(g.generationInfo);
    let message: GenAIMessage | undefined;
    if (chat && g.message !== undefined) message = toGenAIMessage(g.message);
    if (!message) {
      const text = asString(g.text) ?? textOf(asRecord(g.message).content) ?? '';
      message = { role: 'assistant', parts: text ? [{ type: 'text', content: text }] : [] };
    }
    message.role = 'assistant';
    const reason =
      asString(info.finish_reason) ??
      asString(asRecord(asRecord(g.message).response_metadata).finish_reason);
    if (reason) message.finish_reason = reason;
    out.push(message);
  }
  return out.length > 0 ? out : undefined;
}
