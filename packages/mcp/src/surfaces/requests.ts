import { getRecorder, type McpOperation, reportInternalError } from '@llmeter/core/internal';
import { JSONRPC_VERSION, METHOD } from '../constants';
import { clientFailure } from '../errors';
import { paramsOf, targetOf, withTraceContext } from '../params';
import { stateOf, transportInfoOf, transportOf } from '../settings';
import { type Fn, type Gate, markWrapped, runTraced } from './wrap';

/**
 * `Protocol.request()`, which every typed call (callTool, readResource,
 * getPrompt, listTools, ...) goes through: a CLIENT span and
 * `mcp.client.operation.duration` per request, the span's trace context in
 * `params._meta`. The promise returned is the SDK's own.
 */
export function tracedRequest(original: Fn, gate: Gate): Fn {
  return markWrapped(function request(this: object, ...args: unknown[]) {
    const op = gate() ? start(this, args[0]) : undefined;
    if (!op) return Reflect.apply(original, this, args);
    const method = (args[0] as { method: string }).method;
    try {
      args[0] = withTraceContext(args[0], op.context);
    } catch (error) {
      reportInternalError('mcp.request.inject', error);
    }
    return runTraced(
      op,
      () => Reflect.apply(original, this, args),
      clientFailure,
      (result) => {
        if (method === METHOD.INITIALIZE) rememberProtocolVersion(this, result);
      },
    );
  }, original);
}

function start(endpoint: object, request: unknown): McpOperation | undefined {
  try {
    const recorder = getRecorder();
    const method = (request as { method?: unknown } | null)?.method;
    if (!recorder.enabled || typeof method !== 'string') return undefined;
    const state = stateOf(endpoint);
    const params = paramsOf(request);
    // The id Protocol.request() is about to give this request (it takes the counter synchronously).
    const nextId = (endpoint as { _requestMessageId?: unknown })._requestMessageId;
    return recorder.startMcp({
      side: 'client',
      method,
      ...targetOf(method, params),
      requestId: typeof nextId === 'number' ? nextId : undefined,
      sessionId: sessionIdOf(endpoint),
      protocolVersion: state.protocolVersion ?? protocolVersionOf(endpoint),
      jsonrpcVersion: JSONRPC_VERSION,
      transport: transportInfoOf(endpoint, state),
      countTool: state.countToolCalls,
    });
  } catch (error) {
    reportInternalError('mcp.request', error);
    return undefined;
  }
}

function sessionIdOf(endpoint: object): string | undefined {
  const id = (transportOf(endpoint) as { sessionId?: unknown } | undefined)?.sessionId;
  return typeof id === 'string' ? id : undefined;
}

/** HTTP client transports keep the negotiated version; others are read from initialize. */
function protocolVersionOf(endpoint: object): string | undefined {
  const version = (transportOf(endpoint) as { protocolVersion?: unknown } | undefined)
    ?.protocolVersion;
  return typeof version === 'string' ? version : undefined;
}

export function rememberProtocolVersion(endpoint: object, result: unknown): void {
  const version = (result as { protocolVersion?: unknown } | null)?.protocolVersion;
  if (typeof version === 'string') stateOf(endpoint).protocolVersion = version;
}
