import type { LLMOperationResult, LLMOperationStart } from '@llmeter/core';
import type { Json } from '../parse/values';

/**
 * Reads a streamed reply chunk by chunk. One per stream; `add` runs on every
 * chunk the consumer pulls, so it stays cheap and allocation-free when content
 * capture is off.
 */
export interface StreamAccumulator {
  /** Reads one chunk; true when it carries output (it then counts for TTFT and time per chunk). */
  add(chunk: unknown): boolean;
  /** True once a candidate reported a finish reason. */
  readonly finished: boolean;
  /** What is known so far. */
  result(): LLMOperationResult;
}

/** One wrapped `Models` method: how its parameters, responses and streams describe an operation. */
export interface Surface {
  /** The method returns a promise of an async generator of response chunks. */
  readonly streams: boolean;
  /** Operation, model and request parameters; content only when `capture` is true. */
  start(params: Json, capture: boolean): LLMOperationStart;
  /** A whole (non-streamed) response. */
  result(response: unknown, capture: boolean): LLMOperationResult;
  accumulator(capture: boolean): StreamAccumulator;
}
