import type { McpTransportInfo } from '@llmeter/core/internal';
import { NETWORK, STATES } from './constants';

/** What llmeter remembers of one MCP Client or Server between its requests. */
export interface EndpointState {
  /** performance.now() when connect() was called; undefined outside a session. */
  sessionStart: number | undefined;
  connecting: boolean;
  closedWhileConnecting: boolean;
  /** `mcp.protocol.version`, read from the initialize result. */
  protocolVersion: string | undefined;
  /** The transport described below (re-read when the endpoint reconnects elsewhere). */
  transport: object | undefined;
  transportInfo: McpTransportInfo | undefined;
  /** instrumentMCPClient's `countToolCalls` option. */
  countToolCalls: boolean;
}

const holder = globalThis as typeof globalThis & { [STATES]?: WeakMap<object, EndpointState> };

export function stateOf(endpoint: object): EndpointState {
  holder[STATES] ??= new WeakMap();
  let state = holder[STATES].get(endpoint);
  if (!state) {
    state = {
      sessionStart: undefined,
      connecting: false,
      closedWhileConnecting: false,
      protocolVersion: undefined,
      transport: undefined,
      transportInfo: undefined,
      countToolCalls: true,
    };
    holder[STATES].set(endpoint, state);
  }
  return state;
}

/** A Client sends `tools/call`; a Server does not have callTool. */
export function sideOf(endpoint: object): 'client' | 'server' {
  return typeof (endpoint as { callTool?: unknown }).callTool === 'function' ? 'client' : 'server';
}

/** The endpoint's current transport (Protocol's `transport` getter). */
export function transportOf(endpoint: object): object | undefined {
  const transport = (endpoint as { transport?: unknown }).transport;
  return transport !== null && typeof transport === 'object' ? transport : undefined;
}

/** The network attributes of the endpoint's transport, computed once per transport. */
export function transportInfoOf(
  endpoint: object,
  state: EndpointState,
): McpTransportInfo | undefined {
  const transport = transportOf(endpoint);
  if (transport === undefined) return state.transportInfo;
  if (transport !== state.transport) {
    state.transport = transport;
    state.transportInfo = describeTransport(transport);
  }
  return state.transportInfo;
}

/**
 * The SDK's transports by class name (the SDK has no accessor for its kind):
 * stdio is a pipe, the HTTP ones TCP. The in-memory pair records nothing,
 * as no network transport applies. A custom transport may say so itself.
 */
function describeTransport(transport: object): McpTransportInfo | undefined {
  const name = (transport as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof name !== 'string') return undefined;
  if (name.startsWith('Stdio')) return { networkTransport: NETWORK.PIPE };
  if (name.includes('WebSocket')) return withServer(transport, NETWORK.WEBSOCKET);
  if (name.includes('StreamableHTTP') || name.startsWith('SSE')) {
    return withServer(transport, NETWORK.HTTP);
  }
  return undefined;
}

function withServer(transport: object, protocolName: string): McpTransportInfo {
  const info: McpTransportInfo = { networkTransport: NETWORK.TCP, protocolName };
  // Client transports keep the server URL; server transports have none.
  const url = (transport as { _url?: unknown })._url;
  if (url instanceof URL) {
    info.serverAddress = url.hostname.replace(/^\[(.*)\]$/, '$1') || undefined;
    info.serverPort = url.port
      ? Number(url.port)
      : url.protocol === 'https:' || url.protocol === 'wss:'
        ? 443
        : 80;
  }
  return info;
}
