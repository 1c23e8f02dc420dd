/**
 * Every name the Anthropic adapter uses: provider values, the attributes it
 * adds beyond core's, the methods it wraps, the SDK's own span names it
 * replaces and the globals its ESM and CommonJS builds share. Core's names
 * (ATTR, OPERATION) come from @llmeter/core.
 */

/** `gen_ai.provider.name` values (semconv v1.41.1). */
export const PROVIDER = {
  ANTHROPIC: 'anthropic',
  AWS_BEDROCK: 'aws.bedrock',
  GCP_VERTEX_AI: 'gcp.vertex_ai',
} as const;

/** Client classes of Anthropic's cloud packages, by the provider their calls go to. */
export const PROVIDER_BY_CLIENT_CLASS: Record<string, string> = {
  AnthropicBedrock: PROVIDER.AWS_BEDROCK,
  AnthropicVertex: PROVIDER.GCP_VERTEX_AI,
};

/** Attributes this adapter sets that core has no constant for (semconv v1.41.1 registry names). */
export const ANTHROPIC_ATTR = {
  REQUEST_TOP_K: 'gen_ai.request.top_k',
  /** `json` when the request asks for structured output (`output_config.format`), as the SDK's own span did. */
  OUTPUT_TYPE: 'gen_ai.output.type',
} as const;

/** `gen_ai.output.type` of a request whose output format is a JSON schema. */
export const OUTPUT_TYPE_JSON = 'json';

/** The npm package instrumented, and the versions `AnthropicInstrumentation` patches. */
export const MODULE_NAME = '@anthropic-ai/sdk';
export const SUPPORTED_VERSIONS = ['>=0.100.0 <2'];
/** `instrumentationName` and `instrumentationVersion` of `AnthropicInstrumentation` (this package's). */
export const INSTRUMENTATION_NAME = '@llmeter/anthropic';
export const INSTRUMENTATION_VERSION = '0.1.0';

/**
 * The resources whose methods are wrapped: where each sits on a client
 * (`client.messages`) and where its class hangs off the SDK's client class
 * (`Anthropic.Messages`, `Anthropic.Beta.Messages`). `create` is measured;
 * `stream()`, `parse()` and the beta tool runner call `create` themselves.
 */
export const RESOURCES = [
  { path: ['messages'], classPath: ['Messages'] },
  { path: ['beta', 'messages'], classPath: ['Beta', 'Messages'] },
] as const;

/** The methods wrapped on each resource; `stream` only prepares the SDK's tracer (sdk-tracing.ts). */
export const WRAPPED_METHODS = ['create', 'stream'] as const;
export type WrappedMethod = (typeof WRAPPED_METHODS)[number];

/**
 * The SDK's own span for a messages call (SDK ≥ 0.134 traces itself through
 * the global tracer provider). llmeter's GenAI span stands in for it; see
 * sdk-tracing.ts. Its `count_tokens` span is left as it is.
 */
export const SDK_MESSAGES_SPAN = 'anthropic.messages.create';

/** Marks a function as llmeter's wrapper; the value is the wrapped original. */
export const WRAPPED = Symbol.for('llmeter.anthropic.wrapped');
/** Per-client settings (provider, content switch), set by instrumentAnthropic(). */
export const CLIENT_SETTINGS = Symbol.for('llmeter.anthropic.settings');
/** Set on a client that instrumentAnthropic() has already instrumented. */
export const INSTRUMENTED = Symbol.for('llmeter.anthropic.instrumented');
/** Set on the SDK tracer wrapper llmeter installs on a client (value: the SDK's own tracer). */
export const SDK_TRACER = Symbol.for('llmeter.anthropic.sdkTracer');
/** globalThis slot: the prototype methods `AnthropicInstrumentation` patched in this process. */
export const PATCHES = Symbol.for('llmeter.anthropic.patches');
/** globalThis slot: the WeakMap from an SDK request promise to the call measuring it. */
export const CALLS = Symbol.for('llmeter.anthropic.calls');
/** globalThis slot: the SDK `APIPromise` prototypes whose parse step is observed, with their own methods. */
export const API_PROMISE_PATCHES = Symbol.for('llmeter.anthropic.apiPromisePatches');
