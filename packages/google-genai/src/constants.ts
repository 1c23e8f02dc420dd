/**
 * Every name the Google Gen AI adapter uses: provider and operation values,
 * the attributes it adds beyond core's, the `Models` methods it wraps and the
 * symbols it marks objects with. Core's names (ATTR, OPERATION) come from
 * @llmeter/core.
 */

/** `gen_ai.provider.name` values (semconv v1.41.1, docs/gen-ai/gcp.md). */
export const PROVIDER = {
  GEMINI: 'gcp.gemini',
  VERTEX_AI: 'gcp.vertex_ai',
} as const;

/**
 * `gen_ai.operation.name` of `generateContent` and its stream: the
 * conventions' own value for "Gemini Generate Content". Embeddings use core's
 * `embeddings`.
 */
export const OPERATION_GENERATE_CONTENT = 'generate_content';

/** The package that is instrumented, and the versions `GoogleGenAIInstrumentation` patches. */
export const MODULE_NAME = '@google/genai';
export const SUPPORTED_VERSIONS = '>=1.0.0 <4';

/** `instrumentationName` of `GoogleGenAIInstrumentation` (also its `name` for init()). */
export const INSTRUMENTATION_NAME = '@llmeter/google-genai';
export const INSTRUMENTATION_VERSION = '0.1.0';

/** Attributes this adapter sets that core has no constant for (semconv v1.41.1 names). */
export const GOOGLE_GENAI_ATTR = {
  REQUEST_TOP_K: 'gen_ai.request.top_k',
  OUTPUT_TYPE: 'gen_ai.output.type',
  EMBEDDINGS_DIMENSION_COUNT: 'gen_ai.embeddings.dimension.count',
} as const;

/** `gen_ai.output.type` by the request's `config.responseMimeType`. */
export const OUTPUT_TYPE_BY_MIME: Readonly<Record<string, string>> = {
  'application/json': 'json',
  'text/plain': 'text',
  'text/x.enum': 'text',
};

/**
 * The `Models` methods wrapped, by surface: the first that exists is wrapped.
 * These are the methods that send one HTTP request each: `generateContent`,
 * automatic function calling, automatic continuation and chats
 * (`chats.create().sendMessage[Stream]`) all go through them, so every model
 * request is measured once. `@google/genai` 1.x has no `embedContentInternal`;
 * its `embedContent` sends the request itself.
 */
export const WRAPPED_METHODS = [
  { surface: 'generate', methods: ['generateContentInternal'] },
  { surface: 'stream', methods: ['generateContentStreamInternal'] },
  { surface: 'embed', methods: ['embedContentInternal', 'embedContent'] },
] as const;

export type SurfaceName = (typeof WRAPPED_METHODS)[number]['surface'];

/** `error.type` of an aborted request (`config.abortSignal`, `httpOptions.timeout`) and of a `TimeoutError` (DOMExceptions, whose class name says nothing). */
export const ERROR_TYPE = {
  ABORTED: 'AbortError',
  TIMEOUT: 'TimeoutError',
} as const;

/** Marks a function as llmeter's wrapper; the value is the wrapped original. */
export const WRAPPED = Symbol.for('llmeter.google-genai.wrapped');
/** Per-client settings (provider, content switch), set on `client.models` by instrumentGoogleGenAI(). */
export const CLIENT_SETTINGS = Symbol.for('llmeter.google-genai.settings');
/** Set on a `client.models` that instrumentGoogleGenAI() has instrumented. */
export const INSTRUMENTED = Symbol.for('llmeter.google-genai.instrumented');
/** globalThis slot: the `Models` prototypes patched in this process (ESM and CJS builds share it). */
export const PATCHES = Symbol.for('llmeter.google-genai.patches');
