/**
 * `@llmeter/core`: the public API, exactly what docs/reference/api.md lists
 * (a test holds the two together). What adapters need and applications do not
 * is in `@llmeter/core/internal`.
 */

export type { ResolvedConfig } from './config';
export { ATTR, METRIC, OPERATION } from './constants';
export {
  recordAgentOutcome,
  recordEvaluation,
  recordGuardrail,
  withAgent,
  withLLMCall,
  withTool,
} from './helpers';
export { getLLMeter, init, type LLMeter } from './init';
export { createLogger, traceCorrelationMixin } from './logger';
export type { MetricsHandlerOptions, MetricsRequestHandler } from './prometheus/handler';
export type * from './types';
