/**
 * Every name the MCP adapter uses beyond core's: the SDK's methods and files
 * it wraps, the transport values it records, and the globals its ESM and
 * CommonJS builds share. The conventions' attribute and metric names
 * (MCP_ATTR, MCP_METRIC) live in core, which records them.
 */

/** Name and version of `MCPInstrumentation` (OpenTelemetry's instrumentation scope naming). */
export const INSTRUMENTATION_NAME = '@llmeter/mcp';
export const INSTRUMENTATION_VERSION = '0.1.0';
/** `name` of the instrumentation in llmeter's own diagnostics (`init({ instrumentations })`). */
export const INSTRUMENTATION_SHORT_NAME = 'mcp';

/** The SDK package, the versions `MCPInstrumentation` patches, and the file holding `Protocol`. */
export const SDK_MODULE = '@modelcontextprotocol/sdk';
export const SUPPORTED_VERSIONS = ['>=1.10.0 <2'];
export const PROTOCOL_FILES = [
  '@modelcontextprotocol/sdk/dist/cjs/shared/protocol.js',
  '@modelcontextprotocol/sdk/dist/esm/shared/protocol.js',
] as const;

/** The SDK's subpath export of the file holding `Protocol`, loaded by MCPInstrumentation.enable(). */
export const PROTOCOL_SUBPATH = '@modelcontextprotocol/sdk/shared/protocol.js';

/** The `Protocol` methods wrapped (on an instance by instrumentMCP*, on the prototype by MCPInstrumentation). */
export const WRAPPED_METHODS = [
  'request',
  'setRequestHandler',
  '_onrequest',
  'connect',
  '_onclose',
] as const;
export type WrappedMethod = (typeof WRAPPED_METHODS)[number];

/** MCP methods whose `params` name the operation's target. */
export const METHOD = {
  INITIALIZE: 'initialize',
  TOOLS_CALL: 'tools/call',
  PROMPTS_GET: 'prompts/get',
} as const;
/** Methods whose `params.uri` is `mcp.resource.uri`. */
export const RESOURCE_METHODS: ReadonlySet<string> = new Set([
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
]);

/** JSON-RPC codes of the SDK. */
export const JSONRPC_CODE = {
  METHOD_NOT_FOUND: -32601,
  INTERNAL_ERROR: -32603,
  /** Raised by the SDK itself (the peer sent no such response): no `rpc.response.status_code`. */
  CONNECTION_CLOSED: -32000,
  REQUEST_TIMEOUT: -32001,
} as const;
/**
 * JSON-RPC's reserved range (-32768 to -32000: the spec's and the SDK's own
 * codes). A code outside it is the peer's own choice and unbounded, so it
 * becomes `error.type` `_OTHER`; `rpc.response.status_code` keeps it.
 */
export const JSONRPC_RESERVED = { MIN: -32768, MAX: -32000 } as const;
export const JSONRPC_VERSION = '2.0';

/** `network.transport` / `network.protocol.name` values (the conventions' transport table). */
export const NETWORK = {
  PIPE: 'pipe',
  TCP: 'tcp',
  HTTP: 'http',
  WEBSOCKET: 'websocket',
} as const;

/** Marks llmeter's wrapper functions; the value is the wrapped original. */
export const WRAPPED = Symbol.for('llmeter.mcp.wrapped');
/** Set on a Client or Server that instrumentMCP* has instrumented. */
export const INSTRUMENTED = Symbol.for('llmeter.mcp.instrumented');
/** globalThis slot: per-endpoint session state, shared by the ESM and CJS builds. */
export const STATES = Symbol.for('llmeter.mcp.states');
