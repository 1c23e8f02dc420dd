/**
 * Names of the Model Context Protocol conventions
 * (open-telemetry/semantic-conventions-genai, docs/gen-ai/mcp.md), which core
 * records for @llmeter/mcp. Kept apart from constants.ts because they come
 * from a separate, still unreleased conventions repository.
 * docs/reference/telemetry.md and docs/adapters/mcp.md are checked against
 * this file by packages/mcp/test/docs.test.ts.
 */

/** Span and metric attribute keys of MCP operations. */
export const MCP_ATTR = {
  METHOD_NAME: 'mcp.method.name',
  SESSION_ID: 'mcp.session.id',
  PROTOCOL_VERSION: 'mcp.protocol.version',
  RESOURCE_URI: 'mcp.resource.uri',
  PROMPT_NAME: 'gen_ai.prompt.name',
  JSONRPC_REQUEST_ID: 'jsonrpc.request.id',
  JSONRPC_PROTOCOL_VERSION: 'jsonrpc.protocol.version',
  RPC_RESPONSE_STATUS_CODE: 'rpc.response.status_code',
  NETWORK_TRANSPORT: 'network.transport',
  NETWORK_PROTOCOL_NAME: 'network.protocol.name',
  NETWORK_PROTOCOL_VERSION: 'network.protocol.version',
} as const;

/** OTel instrument names of the MCP conventions. */
export const MCP_METRIC = {
  CLIENT_OPERATION_DURATION: 'mcp.client.operation.duration',
  SERVER_OPERATION_DURATION: 'mcp.server.operation.duration',
  CLIENT_SESSION_DURATION: 'mcp.client.session.duration',
  SERVER_SESSION_DURATION: 'mcp.server.session.duration',
} as const;

/** The conventions' advised bucket boundaries, the same for all four histograms. */
export const MCP_BUCKETS = {
  DURATION: [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
} as const;

/** `error.type` of a `tools/call` whose result says `isError: true` (the conventions' value). */
export const MCP_ERROR_TYPE_TOOL = 'tool_error';

/** `mcp.method.name` of a tool call: its operation is also `execute_tool`. */
export const MCP_METHOD_TOOLS_CALL = 'tools/call';
