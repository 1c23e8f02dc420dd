/** Options of `llmeterTelemetry()` and `registerLLMeterTelemetry()`. Each is optional. */
export interface LLMeterTelemetryOptions {
  /**
   * `gen_ai.provider.name` of every call this integration records, instead of
   * the name mapped from the AI SDK provider id (`openai.chat` → `openai`,
   * `google.vertex.chat` → `gcp.vertex_ai`, ...). For a gateway or a
   * self-hosted server reached through a provider named otherwise.
   */
  provider?: string;
  /**
   * `gen_ai.agent.name` of the `invoke_agent` operation around a
   * `generateText`/`streamText`/`generateObject`/`streamObject` call whose
   * `telemetry.functionId` is not set. Default: the AI SDK operation id
   * (`ai.generateText`, ...). Keep it bounded: it is a metric label.
   */
  agentName?: string;
  /**
   * `false`: never record prompts and completions of these calls, even when
   * llmeter's content capture is on. Unset or `true`: follow llmeter's switch
   * (`captureContent` / OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT, off
   * by default; `redact` runs first). The AI SDK's own `recordInputs: false` /
   * `recordOutputs: false` leave that side out of the events, so out of llmeter.
   */
  captureContent?: boolean;
}
