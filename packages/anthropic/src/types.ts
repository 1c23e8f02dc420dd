import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Options of `instrumentAnthropic()`. Each is optional; defaults come from llmeter's `init()`. */
export interface InstrumentAnthropicOptions {
  /**
   * `gen_ai.provider.name` of this client's calls. Default `anthropic`, or
   * `aws.bedrock` / `gcp.vertex_ai` for an `AnthropicBedrock` / `AnthropicVertex`
   * client. Set it for a gateway that speaks the Anthropic Messages API.
   */
  provider?: string;
  /**
   * `false`: never record prompts and completions of this client's calls, even
   * when llmeter's content capture is on. `true` or unset: follow llmeter's
   * switch (`captureContent` / OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT),
   * which must be on for anything to be recorded; `redact` always runs first.
   */
  captureContent?: boolean;
}

/**
 * Options of `new AnthropicInstrumentation()`: OpenTelemetry's own (`enabled`,
 * default true; `false` creates it disabled and `enable()` switches it on).
 */
export type AnthropicInstrumentationConfig = InstrumentationConfig;
