import type { LLMOperationResult, LLMOperationStart } from '@llmeter/core';
import type { Json } from '../parse/values';

/**
 * Reads a streamed reply event by event. One per stream; `add` runs on every
 * event the consumer pulls, so it stays cheap and allocation-free when content
 * capture is off.
 */
export interface StreamAccumulator {
  /** Reads one event; true when it is an output chunk (it then counts for TTFT and time per chunk). */
  add(event: unknown): boolean;
  /** True once the provider finished the reply (a stop reason arrived). */
  readonly finished: boolean;
  /** What is known so far. */
  result(): LLMOperationResult;
}

/** One wrapped API surface: how its requests, responses and streams describe an operation. */
export interface Surface {
  /** Operation, model and request parameters; content only when `capture` is true. */
  start(body: Json, capture: boolean): LLMOperationStart;
  /** A whole (non-streamed) response. */
  result(response: unknown, capture: boolean): LLMOperationResult;
  accumulator(capture: boolean): StreamAccumulator;
}
