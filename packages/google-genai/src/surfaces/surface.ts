import type { LLMOperationResult, LLMOperationStart } from '@llmeter/core';
import type { StreamAccumulator } from '@llmeter/core/internal';
import type { Json } from '../parse/values';

// How a stream is read is core's adapter-kit protocol; what is read is each surface's.
export type { StreamAccumulator } from '@llmeter/core/internal';

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
