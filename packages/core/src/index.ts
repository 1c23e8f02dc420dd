export { type ResolvedConfig, resolveConfig } from './config';
export * from './constants';
export { type Cost, PriceBook } from './cost/price-book';
export { type ModelPrice, PRICE_TABLE } from './cost/price-table';
export { errorType } from './failure';
export {
  recordAgentOutcome,
  recordEvaluation,
  recordGuardrail,
  withAgent,
  withLLMCall,
  withTool,
} from './helpers';
export { getLLMeter, getRecorder, init, type LLMeter } from './init';
export { infoOnce, internalLogger, reportInternalError, warnOnce } from './internal-log';
export { createLogger, traceCorrelationMixin } from './logger';
export {
  type InstrumentDefinition,
  instrumentsFor,
  prometheusLabel,
  prometheusName,
} from './metrics/definitions';
export {
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_CONTENT_TYPE,
  renderMetrics,
} from './prometheus/exposition';
export {
  createMetricsHandler,
  type MetricsHandlerOptions,
  type MetricsRequestHandler,
} from './prometheus/handler';
export {
  activeAgent,
  activeInference,
  type InferenceLink,
  type NestedResult,
} from './recorder/context-keys';
export {
  findOuterInference,
  type OuterInferenceResolver,
  registerOuterInferenceResolver,
} from './recorder/coordination';
export { Recorder, type ServedRequest } from './recorder/recorder';
export { registerSecret, scrubSecrets } from './secrets';
export type * from './types';
