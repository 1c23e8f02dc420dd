import type { LLMOperationResult, LLMOperationStart } from '@llmeter/core';
import type { StainlessSurface, StreamAccumulator, StreamFailure } from '@llmeter/core/internal';
import type { Json } from '../parse/values';

// How a stream is read is core's adapter-kit protocol; what is read is each surface's.
export type { StreamAccumulator, StreamFailure } from '@llmeter/core/internal';

/** One wrapped API surface: how its requests, responses and streams describe an operation. */
export interface Surface extends StainlessSurface {
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
