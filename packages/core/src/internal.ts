/**
 * `@llmeter/core/internal`: what llmeter's adapters need from core and
 * applications do not. Not public API: it is versioned with core, and an
 * adapter must depend on the exact core version it was built with.
 */

export {
  errorMessage,
  errorType,
  failSpan,
  providerErrorType,
  recordException,
  scrubbedError,
} from './failure';
export { infoOnce, internalLogger, reportInternalError, warnOnce } from './internal-log';
export { type Json, list, num, obj, str } from './json-values';
export {
  MCP_ATTR,
  MCP_BUCKETS,
  MCP_ERROR_TYPE_TOOL,
  MCP_METHOD_TOOLS_CALL,
  MCP_METRIC,
} from './mcp/names';
export { positiveNumber } from './options';
export { metricsRequestListener } from './prometheus/server';
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
export type {
  McpFailure,
  McpOperation,
  McpSession,
  McpStart,
  McpTransportInfo,
} from './recorder/mcp';
export type { RetrievalOperation, RetrievalStart } from './recorder/retrieval';
export { registerSecret, scrubbed, scrubSecrets } from './secrets';
export { parseToolArguments } from './tool-arguments';
