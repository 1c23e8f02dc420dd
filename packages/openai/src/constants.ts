/**
 * Every name the OpenAI adapter uses: provider values, the attributes it adds
 * beyond core's, the resource methods it wraps and the globals it shares
 * between its ESM and CommonJS builds. Core's names (ATTR, OPERATION) come
 * from @llmeter/core.
 */

/** `gen_ai.provider.name` values (semconv v1.41.1). */
export const PROVIDER = {
  OPENAI: 'openai',
  AZURE_OPENAI: 'azure.ai.openai',
} as const;

/** `instrumentationName` of `OpenAIInstrumentation` (OpenTelemetry's name for it, and llmeter's diagnostics'). */
export const INSTRUMENTATION_NAME = '@llmeter/openai';
/** This package's version, reported as the instrumentation's version. */
export const PACKAGE_VERSION = '0.1.0';
/** The `openai` releases `OpenAIInstrumentation` patches (the peer dependency range). */
export const SUPPORTED_VERSIONS = ['>=6 <8'];

/** Attributes this adapter sets that core has no constant for (semconv v1.41.1 names). */
export const OPENAI_ATTR = {
  REQUEST_SERVICE_TIER: 'openai.request.service_tier',
  RESPONSE_SERVICE_TIER: 'openai.response.service_tier',
  RESPONSE_SYSTEM_FINGERPRINT: 'openai.response.system_fingerprint',
  REQUEST_ENCODING_FORMATS: 'gen_ai.request.encoding_formats',
  EMBEDDINGS_DIMENSION_COUNT: 'gen_ai.embeddings.dimension.count',
} as const;

/** Finish reasons recorded for Responses API calls, which report a status instead. */
export const RESPONSES_FINISH_REASON = {
  STOP: 'stop',
  TOOL_CALLS: 'tool_calls',
  LENGTH: 'length',
  CONTENT_FILTER: 'content_filter',
  ERROR: 'error',
} as const;

/** `error.type` of a streamed Responses call that ended with `response.failed` and no error code. */
export const ERROR_TYPE_RESPONSE_FAILED = 'response_failed';

/** The resource methods wrapped, by surface: `client.<path>.<method>`. */
export const WRAPPED_METHODS = [
  { path: ['chat', 'completions'], method: 'create', surface: 'chat' },
  { path: ['responses'], method: 'create', surface: 'responses' },
  { path: ['embeddings'], method: 'create', surface: 'embeddings' },
  { path: ['completions'], method: 'create', surface: 'completions' },
] as const;

export type SurfaceName = (typeof WRAPPED_METHODS)[number]['surface'];

/** Marks a function as llmeter's wrapper; the value is the wrapped original. */
export const WRAPPED = Symbol.for('llmeter.openai.wrapped');
/** Per-client settings (provider, content switch), set by instrumentOpenAI(). */
export const CLIENT_SETTINGS = Symbol.for('llmeter.openai.settings');
/** globalThis slot: `OpenAIInstrumentation`'s options, for clients instrumentOpenAI() did not configure. */
export const DEFAULT_SETTINGS = Symbol.for('llmeter.openai.defaultSettings');
/** Set on a client that instrumentOpenAI() has already instrumented. */
export const INSTRUMENTED = Symbol.for('llmeter.openai.instrumented');
/** globalThis slot: the resource prototypes patched in this process (for disabling). */
export const PATCHES = Symbol.for('llmeter.openai.patches');
/** globalThis slot: the WeakMap from an SDK request promise to the call measuring it. */
export const CALLS = Symbol.for('llmeter.openai.calls');
/** Set on an SDK `APIPromise` prototype whose parse step is observed. */
export const API_PROMISE_PATCHED = Symbol.for('llmeter.openai.apiPromisePatched');
/** globalThis slot: the `APIPromise` prototypes patched in this process (for disabling). */
export const API_PROMISE_PATCHES = Symbol.for('llmeter.openai.apiPromisePatches');
