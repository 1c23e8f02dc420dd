/**
 * `@llmeter/core/internal`: what llmeter's adapters (and its own tests and
 * tools) need from core and applications do not. Not public API: it is
 * versioned with core and changes without notice, and an adapter must depend
 * on the exact core version it was built with. See docs/architecture.md.
 */

export { setHidden } from './adapter-kit/hidden';
// The adapter kit: stream observation, and the Stainless SDKs' (openai, anthropic) promise and call.
export {
  type ClientDescription,
  type StainlessAdapter,
  tracedStainlessCall,
} from './adapter-kit/stainless-call';
export {
  StainlessCall,
  StainlessPromises,
  type StainlessSurface,
} from './adapter-kit/stainless-promise';
export { isStainlessStream, observeStainlessStream } from './adapter-kit/stainless-stream';
export {
  type AdapterKit,
  type StreamAccumulator,
  type StreamFailure,
  StreamObserver,
} from './adapter-kit/stream-observer';
export { wrapWithOptions } from './adapter-kit/with-options';
export { type ResolvedConfig, resolveConfig } from './config';
export * from './constants';
export { type Cost, PriceBook } from './cost/price-book';
export { type ModelPrice, PRICE_TABLE } from './cost/price-table';
// Failures: one way to record them, scrubbed, with a low-cardinality error.type.
export {
  errorMessage,
  errorType,
  failSpan,
  providerErrorType,
  recordException,
  scrubbedError,
} from './failure';
// The one way to telemetry: adapters describe operations to the recorder.
export { getRecorder } from './init';
// Diagnostics, once per distinct problem.
export {
  infoOnce,
  internalLog,
  internalLogger,
  reportInternalError,
  warnOnce,
} from './internal-log';
// Tolerant readers of provider bodies.
export { type Json, list, num, obj, str } from './json-values';
// MCP operations (client and server requests, sessions).
export {
  MCP_ATTR,
  MCP_BUCKETS,
  MCP_ERROR_TYPE_TOOL,
  MCP_METHOD_TOOLS_CALL,
  MCP_METRIC,
} from './mcp/names';
export {
  type InstrumentDefinition,
  type InstrumentKey,
  instrumentsFor,
  prometheusLabel,
  prometheusName,
} from './metrics/definitions';
export { positiveNumber } from './options';
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
export { httpModule, metricsRequestListener } from './prometheus/server';
// Calls the caller dropped unconsumed still end.
export {
  type AbandonmentWatcher,
  endAbandoned,
  watchAbandonment,
} from './recorder/abandoned';
// Count once (the algorithm is documented in recorder/coordination.ts).
export {
  activeAgent,
  activeInference,
  type InferenceLink,
  type NestedResult,
} from './recorder/context-keys';
export {
  findOuterInference,
  type ObservedRun,
  observedInferenceCount,
  type RunTree,
} from './recorder/coordination';
export type {
  McpFailure,
  McpOperation,
  McpSession,
  McpStart,
  McpTransportInfo,
} from './recorder/mcp';
export { Recorder, type ServedRequest } from './recorder/recorder';
export type { RetrievalOperation, RetrievalStart } from './recorder/retrieval';
// Shared helpers every adapter uses rather than re-writing.
export { registerSecret, scrubbed, scrubSecrets } from './secrets';
export { parseToolArguments } from './tool-arguments';
