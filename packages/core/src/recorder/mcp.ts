import {
  type Attributes,
  type Context,
  context,
  type Link,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { ATTR, OPERATION } from '../constants';
import { failSpan, MAX_ERROR_MESSAGE, errorType as resolveErrorType } from '../failure';
import { reportInternalError } from '../internal-log';
import { MCP_ATTR, MCP_ERROR_TYPE_TOOL, MCP_METHOD_TOOLS_CALL } from '../mcp/names';
import * as clean from '../sanitize';
import { scrubbed } from '../secrets';
import { activeAgent, activeTool, TOOL_KEY, type ToolLink } from './context-keys';
import { operationContext } from './operation-context';
import { epochMs, exemplarOf, type RecorderDeps, setDefined, startSpan } from './shared';

/** How an MCP session travels (the conventions' "Recording MCP transport" table). */
export interface McpTransportInfo {
  /** `network.transport`: `pipe` for stdio, `tcp` for HTTP. */
  networkTransport?: string;
  /** `network.protocol.name`: `http`, `websocket`. */
  protocolName?: string;
  protocolVersion?: string;
  /** Client side: the server's host and port. */
  serverAddress?: string;
  serverPort?: number;
}

/** What an MCP adapter knows when a request is sent (`client`) or received (`server`). */
export interface McpStart {
  /**
   * `client`: this process sent the request (CLIENT span,
   * `mcp.client.operation.duration`); `server`: it handles one (SERVER span,
   * `mcp.server.operation.duration`). Either peer can be either side.
   */
  side: 'client' | 'server';
  /** `mcp.method.name`, e.g. `tools/call`. */
  method: string;
  toolName?: string;
  promptName?: string;
  resourceUri?: string;
  /** The JSON-RPC id; null or absent (a notification) records nothing. */
  requestId?: string | number;
  sessionId?: string;
  /** `mcp.protocol.version`, once negotiated. */
  protocolVersion?: string;
  /** `jsonrpc.protocol.version`: recorded only when it is not `2.0`. */
  jsonrpcVersion?: string;
  transport?: McpTransportInfo;
  /** Server side: the caller's context extracted from `params._meta`. Default: the active one. */
  parentContext?: Context;
  /** Server side: the ambient (transport) context when it is not the parent. */
  links?: Link[];
  /** Tool arguments (recorded only with content capture on). */
  arguments?: unknown;
  /**
   * Client side, `tools/call`: `false` when something the context cannot show
   * (a framework's tool run) already counts this call as a tool execution.
   * Default true.
   */
  countTool?: boolean;
  /** performance.now() at the start; default now. */
  startTime?: number;
}

/** How an MCP operation failed, as the adapter read it from the SDK's error. */
export interface McpFailure {
  /** `error.type`; default from the error (core's errorType). */
  errorType?: string;
  /** `rpc.response.status_code`: the JSON-RPC error code the peer answered with. */
  statusCode?: string | number;
  /** The span status description: the JSON-RPC error's message. Default: the error's message. */
  message?: string;
}

export interface McpOperation {
  readonly span: Span;
  /** The span's context: what to propagate in `params._meta` and run handlers in. */
  readonly context: Context;
  /** A result: a `tools/call` result with `isError: true` ends it as `tool_error`. */
  end(result?: unknown): void;
  fail(error: unknown, failure?: McpFailure): void;
}

/** One finished MCP session (connect to close). */
export interface McpSession {
  side: 'client' | 'server';
  durationS: number;
  errorType?: string;
  protocolVersion?: string;
  jsonrpcVersion?: string;
  transport?: McpTransportInfo;
}

const JSONRPC_DEFAULT = '2.0';

/**
 * One MCP request, either side. A `tools/call` sent by this process is also
 * the `execute_tool` operation of the agent around it: it counts as one of
 * the agent's tool calls and in `gen_ai.execute_tool.duration`, unless an
 * outer llmeter tool operation already measures the same call (then it only
 * adds the MCP span and metric, so the tool is counted once).
 */
export class McpRequest implements McpOperation, ToolLink {
  readonly span: Span;
  readonly context: Context;
  private ended = false;
  private readonly client: boolean;
  private readonly startTime: number;
  private readonly metricAttrs: Attributes;
  /** Set for a tool call this operation counts as `execute_tool`. */
  private readonly toolName: string | undefined;
  private readonly isToolCall: boolean;
  private statusMessage: string | undefined;

  constructor(
    private readonly deps: RecorderDeps,
    start: McpStart,
  ) {
    this.client = start.side !== 'server';
    const parent = start.parentContext ?? context.active();
    const method = clean.name(start.method) ?? 'unknown';
    this.startTime = clean.finiteNumber(start.startTime) ?? performance.now();
    this.isToolCall = method === MCP_METHOD_TOOLS_CALL;
    const tool = clean.name(start.toolName);
    const prompt = clean.name(start.promptName);

    const metricAttrs: Attributes = { [MCP_ATTR.METHOD_NAME]: method };
    if (this.isToolCall) metricAttrs[ATTR.OPERATION_NAME] = OPERATION.EXECUTE_TOOL;
    setDefined(metricAttrs, ATTR.TOOL_NAME, tool);
    setDefined(metricAttrs, MCP_ATTR.PROMPT_NAME, prompt);
    setDefined(metricAttrs, MCP_ATTR.PROTOCOL_VERSION, clean.name(start.protocolVersion));
    const jsonrpc = clean.name(start.jsonrpcVersion);
    if (jsonrpc !== JSONRPC_DEFAULT)
      setDefined(metricAttrs, MCP_ATTR.JSONRPC_PROTOCOL_VERSION, jsonrpc);
    transportAttributes(metricAttrs, start.transport, this.client);
    this.metricAttrs = metricAttrs;

    const attrs: Attributes = { ...metricAttrs };
    setDefined(attrs, MCP_ATTR.RESOURCE_URI, clean.name(start.resourceUri));
    setDefined(attrs, MCP_ATTR.SESSION_ID, clean.id(start.sessionId));
    const id = start.requestId;
    if (typeof id === 'number' || typeof id === 'string') {
      setDefined(attrs, MCP_ATTR.JSONRPC_REQUEST_ID, clean.id(String(id)));
    }
    const target = tool ?? prompt;
    this.span = startSpan(
      deps,
      target ? `${method} ${target}` : method,
      {
        kind: this.client ? SpanKind.CLIENT : SpanKind.SERVER,
        attributes: attrs,
        startTime: epochMs(this.startTime),
        links: start.links && start.links.length > 0 ? start.links : undefined,
      },
      parent,
    );

    // Counted once: an outer tool operation (withTool, a framework's tool run) already measures it.
    const outer =
      this.client && this.isToolCall && (start.countTool === false || activeTool(parent));
    this.toolName = this.client && this.isToolCall && !outer ? (tool ?? 'unknown_tool') : undefined;
    if (this.toolName !== undefined) activeAgent(parent)?.countToolCall();
    // Only a counted tool call is the active tool for what runs inside it.
    const key = this.toolName === undefined ? undefined : TOOL_KEY;
    this.context = operationContext(parent, this.span, key, this);
    if (this.isToolCall && start.arguments !== undefined && this.span.isRecording()) {
      const value = deps.content.value(start.arguments, 'assistant', 'arguments');
      if (value !== undefined) this.span.setAttribute(ATTR.TOOL_CALL_ARGUMENTS, value);
    }
  }

  get toolEnded(): boolean {
    return this.ended;
  }

  end(result?: unknown): void {
    if (this.ended) return;
    let isError = false;
    try {
      isError = this.isToolCall && (result as { isError?: unknown } | null)?.isError === true;
    } catch {
      // a result with a throwing getter: recorded as a success
    }
    if (isError) this.finish(undefined, MCP_ERROR_TYPE_TOOL, undefined, undefined);
    else this.finish(undefined, undefined, undefined, result);
  }

  fail(error: unknown, failure?: McpFailure): void {
    if (this.ended) return;
    const code = failure?.statusCode;
    const status = typeof code === 'number' || typeof code === 'string' ? String(code) : undefined;
    this.statusMessage = typeof failure?.message === 'string' ? failure.message : undefined;
    this.finish(error, resolveErrorType(error, failure?.errorType), status, undefined);
  }

  private finish(
    error: unknown,
    errorType: string | undefined,
    statusCode: string | undefined,
    result: unknown,
  ): void {
    this.ended = true;
    const endTime = performance.now();
    try {
      let attrs = this.metricAttrs;
      if (errorType !== undefined) {
        attrs = { ...attrs, [ATTR.ERROR_TYPE]: errorType };
        setDefined(attrs, MCP_ATTR.RPC_RESPONSE_STATUS_CODE, statusCode);
      }
      if (this.span.isRecording()) {
        if (statusCode !== undefined) {
          this.span.setAttribute(MCP_ATTR.RPC_RESPONSE_STATUS_CODE, statusCode);
        }
        if (errorType === MCP_ERROR_TYPE_TOOL) {
          // A result that reports an error: no exception to record.
          this.span.setAttribute(ATTR.ERROR_TYPE, errorType);
          this.span.setStatus({ code: SpanStatusCode.ERROR });
        } else if (errorType !== undefined) {
          failSpan(this.span, error, errorType);
          if (this.statusMessage !== undefined) {
            const message = scrubbed(this.statusMessage, MAX_ERROR_MESSAGE); // scrub, then cut
            this.span.setStatus({ code: SpanStatusCode.ERROR, message });
          }
        } else if (this.isToolCall && result !== undefined) {
          const value = this.deps.content.value(result, 'tool', 'result');
          if (value !== undefined) this.span.setAttribute(ATTR.TOOL_CALL_RESULT, value);
        }
      }
      const seconds = Math.max(0, endTime - this.startTime) / 1000;
      const exemplar = exemplarOf(this.span);
      const metrics = this.deps.metrics;
      metrics?.record(
        this.client ? 'mcpClientOperationDuration' : 'mcpServerOperationDuration',
        seconds,
        attrs,
        exemplar,
      );
      if (this.toolName !== undefined) {
        const toolAttrs: Attributes = { [ATTR.TOOL_NAME]: this.toolName };
        if (errorType !== undefined) toolAttrs[ATTR.ERROR_TYPE] = errorType;
        metrics?.record('executeToolDuration', seconds, toolAttrs, exemplar);
      }
    } catch (e) {
      reportInternalError('mcp.end', e);
    } finally {
      this.span.end(epochMs(endTime));
    }
  }
}

/** `mcp.*.session.duration` for one finished session. */
export function recordMcpSession(deps: RecorderDeps, session: McpSession): void {
  const seconds = clean.finiteNumber(session.durationS);
  if (seconds === undefined || seconds < 0) return;
  const client = session.side !== 'server';
  const attrs: Attributes = {};
  if (session.errorType !== undefined) {
    attrs[ATTR.ERROR_TYPE] = resolveErrorType(undefined, session.errorType);
  }
  setDefined(attrs, MCP_ATTR.PROTOCOL_VERSION, clean.name(session.protocolVersion));
  const jsonrpc = clean.name(session.jsonrpcVersion);
  if (jsonrpc !== JSONRPC_DEFAULT) setDefined(attrs, MCP_ATTR.JSONRPC_PROTOCOL_VERSION, jsonrpc);
  transportAttributes(attrs, session.transport, client);
  deps.metrics?.record(
    client ? 'mcpClientSessionDuration' : 'mcpServerSessionDuration',
    seconds,
    attrs,
  );
}

function transportAttributes(
  target: Attributes,
  transport: McpTransportInfo | undefined,
  client: boolean,
): void {
  if (!transport) return;
  setDefined(target, MCP_ATTR.NETWORK_TRANSPORT, clean.name(transport.networkTransport));
  setDefined(target, MCP_ATTR.NETWORK_PROTOCOL_NAME, clean.name(transport.protocolName));
  setDefined(target, MCP_ATTR.NETWORK_PROTOCOL_VERSION, clean.name(transport.protocolVersion));
  if (!client) return; // server.* name the peer a client talks to
  const address = clean.name(transport.serverAddress);
  if (address === undefined) return;
  target[ATTR.SERVER_ADDRESS] = address;
  setDefined(target, ATTR.SERVER_PORT, clean.port(transport.serverPort));
}

const noopSpan = trace.wrapSpanContext({
  traceId: '0'.repeat(32),
  spanId: '0'.repeat(16),
  traceFlags: 0,
});

/** The handle when llmeter is off or an operation could not start: the caller's context unchanged. */
export const NOOP_MCP: McpOperation = {
  span: noopSpan,
  get context() {
    return context.active();
  },
  end() {},
  fail() {},
};
