/**
 * Every name the AI SDK adapter uses: the AI SDK operation ids it reads, the
 * provider-id prefixes it maps to `gen_ai.provider.name`, the stream part types
 * that count as output chunks, the error types it derives, and the globals its
 * ESM and CommonJS builds share. Core's names (ATTR, OPERATION) come from
 * @llmeter/core/internal.
 */

/** `name` of `aiSdkInstrumentation()`, in llmeter's own diagnostics. */
export const INSTRUMENTATION_NAME = 'ai-sdk';

/** The AI SDK's `operationId` values this adapter records (ai 7.x). */
export const AI_OPERATION = {
  GENERATE_TEXT: 'ai.generateText',
  STREAM_TEXT: 'ai.streamText',
  GENERATE_OBJECT: 'ai.generateObject',
  STREAM_OBJECT: 'ai.streamObject',
  EMBED: 'ai.embed',
  EMBED_MANY: 'ai.embedMany',
} as const;

/** Operations recorded as an `invoke_agent` around their model calls and tool executions. */
export const AGENT_OPERATIONS: ReadonlySet<string> = new Set([
  AI_OPERATION.GENERATE_TEXT,
  AI_OPERATION.STREAM_TEXT,
  AI_OPERATION.GENERATE_OBJECT,
  AI_OPERATION.STREAM_OBJECT,
]);

/** Operations recorded as an `invoke_workflow` around their embeddings calls. */
export const EMBED_OPERATIONS: ReadonlySet<string> = new Set([
  AI_OPERATION.EMBED,
  AI_OPERATION.EMBED_MANY,
]);

/**
 * `gen_ai.provider.name` (semconv v1.41.1 values) by AI SDK provider id
 * prefix. A model's provider id is `<prefix>.<api>` (`openai.chat`,
 * `anthropic.messages`, `google.vertex.chat`, `amazon-bedrock`); the longest
 * matching prefix wins. An id that matches none is recorded by its first
 * segment (`vllm.chat` → `vllm`), which is what an OpenAI-compatible provider
 * created with `name: 'vllm'` reports.
 */
export const PROVIDER_BY_PREFIX: ReadonlyArray<readonly [prefix: string, name: string]> = [
  ['google.vertex.anthropic', 'gcp.vertex_ai'],
  ['google.vertex', 'gcp.vertex_ai'],
  ['google-vertex', 'gcp.vertex_ai'],
  ['vertex', 'gcp.vertex_ai'],
  ['google.generative-ai', 'gcp.gemini'],
  ['google', 'gcp.gemini'],
  ['amazon-bedrock', 'aws.bedrock'],
  ['bedrock', 'aws.bedrock'],
  ['azure-openai', 'azure.ai.openai'],
  ['azure', 'azure.ai.openai'],
  ['openai', 'openai'],
  ['anthropic', 'anthropic'],
  ['mistral', 'mistral_ai'],
  ['cohere', 'cohere'],
  ['groq', 'groq'],
  ['deepseek', 'deepseek'],
  ['perplexity', 'perplexity'],
  ['xai', 'x_ai'],
  ['ibm', 'ibm.watsonx.ai'],
];

/**
 * Provider (LanguageModelV4) stream parts that carry model output: the first
 * one sets time to first chunk and each later one is a time-per-chunk
 * observation. The same parts the AI SDK itself times.
 */
export const OUTPUT_PART_TYPES: ReadonlySet<string> = new Set([
  'text-delta',
  'reasoning-delta',
  'tool-input-delta',
  'tool-call',
  'file',
  'reasoning-file',
]);

/** `error.type` values this adapter sets itself. */
export const ERROR_TYPE = {
  /** A call aborted through its `abortSignal` (or a stream the AI SDK aborted). */
  ABORTED: 'AbortError',
  /** An embeddings attempt the AI SDK retried: it reports no error of its own. */
  RETRIED: 'retried',
  /** A call the AI SDK ended with neither its end nor its error event. */
  UNFINISHED: 'unfinished',
} as const;

/** Finish reasons the AI SDK reports as its own unified values, mapped to the providers' spelling. */
export const FINISH_REASON: Readonly<Record<string, string>> = {
  'tool-calls': 'tool_calls',
  'content-filter': 'content_filter',
};

/** Most AI SDK calls tracked at once; beyond it the oldest is ended (a leak guard, never reached in practice). */
export const MAX_OPEN_CALLS = 10_000;

/** globalThis slot: the calls in progress, shared by every copy of this package (ESM and CJS). */
export const OPEN_CALLS = Symbol.for('llmeter.ai-sdk.calls');
/** globalThis slot: the integration `registerLLMeterTelemetry()` registered, if any. */
export const REGISTERED = Symbol.for('llmeter.ai-sdk.registered');
