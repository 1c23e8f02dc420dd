import { reportInternalError, setHidden, warnOnce } from '@llmeter/core/internal';
import { INSTRUMENTED, WRAPPED_METHODS } from './constants';
import { stateOf } from './settings';
import { ALWAYS, isWrapped, WRAPPERS, wrapHandlers } from './surfaces';
import type { InstrumentMCPClientOptions } from './types';

type Indexable = Record<PropertyKey, unknown>;

/** The SDK object that speaks the protocol: an McpServer holds its Server in `.server`. */
function protocolOf(endpoint: unknown): Indexable | undefined {
  if (endpoint === null || typeof endpoint !== 'object') return undefined;
  const e = endpoint as Indexable;
  if (typeof e.request === 'function' && typeof e.setRequestHandler === 'function') return e;
  const inner = e.server as Indexable | undefined;
  if (
    inner &&
    typeof inner.request === 'function' &&
    typeof inner.setRequestHandler === 'function'
  ) {
    return inner;
  }
  return undefined;
}

function instrumentEndpoint<T>(endpoint: T, site: string, countToolCalls = true): T {
  try {
    const target = protocolOf(endpoint);
    if (!target) {
      warnOnce(`mcp.instrument.${site}`, `${site}() expects an MCP Client, Server or McpServer`);
      return endpoint;
    }
    stateOf(target).countToolCalls = countToolCalls;
    if (target[INSTRUMENTED]) return endpoint;
    for (const method of WRAPPED_METHODS) {
      const current = target[method];
      // Patched prototype (MCPInstrumentation) or already wrapped: one wrapper per call path.
      if (typeof current !== 'function' || isWrapped(current)) continue;
      setHidden(target, method, WRAPPERS[method](current as never, ALWAYS));
    }
    if (!wrapHandlers(target, ALWAYS)) {
      warnOnce(
        'mcp.instrument.handlers',
        'this MCP SDK version keeps its request handlers where llmeter cannot see them; incoming requests are not recorded',
      );
    }
    setHidden(target, INSTRUMENTED, true);
  } catch (error) {
    reportInternalError(`mcp.${site}`, error);
  }
  return endpoint;
}

/**
 * Instruments an MCP `Client` in place and returns it. Each request it sends
 * (`callTool`, `readResource`, `getPrompt`, `listTools`, `ping`, ...) is a
 * CLIENT span `{mcp.method.name} {target}` with `mcp.client.operation.duration`,
 * its trace context goes to the server in `params._meta`, and a `tools/call`
 * is also the `execute_tool` operation of the agent around it. Requests the
 * server sends the client (sampling, elicitation, roots) are SERVER spans.
 * Connect to close is `mcp.client.session.duration`: instrument before
 * `connect()` to have it. Never throws; calling it twice wraps nothing twice
 * (the second call updates the options).
 */
export function instrumentMCPClient<T>(client: T, options: InstrumentMCPClientOptions = {}): T {
  return instrumentEndpoint(client, 'instrumentMCPClient', options?.countToolCalls !== false);
}

/**
 * Instruments an MCP `Server` or `McpServer` in place and returns it. Each
 * request it handles is a SERVER span `{mcp.method.name} {target}` that
 * continues the caller's trace from `params._meta`, with
 * `mcp.server.operation.duration` per method and tool; a tool result with
 * `isError: true` counts as an error (`error.type` = `tool_error`). Handlers
 * registered before and after the call are covered. Never throws.
 */
export function instrumentMCPServer<T>(server: T): T {
  return instrumentEndpoint(server, 'instrumentMCPServer');
}
