/**
 * `@llmeter/core/internal`: what llmeter's adapters need from core and
 * applications do not. Not public API: it is versioned with core, and an
 * adapter must depend on the exact core version it was built with.
 */
export { infoOnce, internalLogger, reportInternalError, warnOnce } from './internal-log';
export {
  MCP_ATTR,
  MCP_BUCKETS,
  MCP_ERROR_TYPE_TOOL,
  MCP_METHOD_TOOLS_CALL,
  MCP_METRIC,
} from './mcp/names';
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
export { errorType } from './sanitize';
export { registerSecret, scrubSecrets } from './secrets';
