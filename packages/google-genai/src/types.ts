import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Options of `instrumentGoogleGenAI()`. Each is optional; defaults come from llmeter's `init()`. */
export interface InstrumentGoogleGenAIOptions {
  /**
   * `gen_ai.provider.name` of this client's calls. Default `gcp.gemini`, or
   * `gcp.vertex_ai` for a client in Vertex AI mode (`vertexai: true`).
   */
  provider?: string;
  /**
   * `false`: never record prompts and replies of this client's calls, even
   * when llmeter's content capture is on. `true` or unset: follow llmeter's
   * switch (`captureContent` / OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT),
   * which must be on for anything to be recorded; `redact` always runs first.
   */
  captureContent?: boolean;
}

/** Options of `new GoogleGenAIInstrumentation()`. */
export interface GoogleGenAIInstrumentationConfig extends InstrumentationConfig {
  /**
   * The `@google/genai` module the application already imported, patched on
   * `enable()`: what `import * as genai from '@google/genai'` or
   * `require('@google/genai')` gives. Needed when the module loaded before the
   * instrumentation was enabled (an ES module application's static import,
   * without the `import-in-the-middle` hook); later loads are patched by the
   * module hooks.
   */
  module?: unknown;
}
