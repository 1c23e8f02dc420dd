import type { LLMOperationResult, LLMOperationStart } from '@llmeter/core';
import type { Json } from '../parse/values';

/** What a stream reported in-band as a failure (a Responses `response.failed` event). */
export interface StreamFailure {
  error: unknown;
  errorType: string;
}

/**
 * Reads a streamed reply item by item. One per stream; `add` runs on every
 * item the consumer pulls, so it stays cheap and allocation-free when content
 * capture is off.
 */
export interface StreamAccumulator {
  /** Reads one item; true when it is an output chunk (it then counts for TTFT and time per chunk). */
  add(item: unknown): boolean;
  /** True once the provider finished the reply (a finish reason for every choice, or a terminal event). */
  readonly finished: boolean;
  /** What is known so far. */
  result(): LLMOperationResult;
  failure(): StreamFailure | undefined;
}

/** One wrapped API surface: how its requests, responses and streams describe an operation. */
export interface Surface {
  /** `gen_ai.operation.name`. */
  readonly operation: string;
  /** Streamed calls accept `stream_options.include_usage` (chat and legacy completions). */
  readonly acceptsStreamOptions: boolean;
  /** Operation, model and request parameters; content only when `capture` is true. */
  start(body: Json, capture: boolean): LLMOperationStart;
  /** A whole (non-streamed) response. */
  result(response: unknown, capture: boolean): LLMOperationResult;
  /** A whole response that reports a failure in its body (a Responses `status: "failed"`). */
  failure?(response: unknown): StreamFailure | undefined;
  accumulator(capture: boolean): StreamAccumulator;
}
