/** Options of `instrumentOpenAI()`. Each is optional; defaults come from llmeter's `init()`. */
export interface InstrumentOpenAIOptions {
  /**
   * `gen_ai.provider.name` of this client's calls. Default `openai`, or
   * `azure.ai.openai` for an `AzureOpenAI` client. Set it for an
   * OpenAI-compatible server (`vllm`, `ollama`, a gateway name, ...).
   */
  provider?: string;
  /**
   * `false`: never record prompts and completions of this client's calls, even
   * when llmeter's content capture is on. `true` or unset: follow llmeter's
   * switch (`captureContent` / OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT),
   * which must be on for anything to be recorded; `redact` always runs first.
   */
  captureContent?: boolean;
  /**
   * Add `stream_options: { include_usage: true }` to this client's streamed
   * chat and text completions that do not set it. Default: llmeter's
   * `streamIncludeUsage` (LLMETER_STREAM_INCLUDE_USAGE), itself off by default.
   */
  streamIncludeUsage?: boolean;
}
