import { getRecorder, type McpOperation, reportInternalError } from '@llmeter/core/internal';
import { type Context, context, type Link, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { JSONRPC_CODE, JSONRPC_VERSION, METHOD } from '../constants';
import { serverFailure } from '../errors';
import { extractTraceContext, paramsOf, targetOf } from '../params';
import { stateOf, transportInfoOf } from '../settings';
import { rememberProtocolVersion } from './requests';
import { type Fn, type Gate, isWrapped, markWrapped, runTraced } from './wrap';

type Handlers = Map<string, unknown>;
type HandlerExtra = { sessionId?: unknown; requestId?: unknown } | undefined;

function handlersOf(endpoint: object): Handlers | undefined {
  const map = (endpoint as { _requestHandlers?: unknown })._requestHandlers;
  return map instanceof Map ? map : undefined;
}

/**
 * Wraps the endpoint's registered request handlers (Protocol keeps them in a
 * map by method; each takes the JSON-RPC request and returns a promise of
 * the result): a SERVER span per handled request, continuing the caller's
 * trace from `params._meta`, and `mcp.server.operation.duration`. Handlers
 * registered later are wrapped by the setRequestHandler wrapper. Returns
 * false when this SDK version keeps its handlers elsewhere.
 */
export function wrapHandlers(endpoint: object, gate: Gate): boolean {
  const handlers = handlersOf(endpoint);
  if (!handlers) return false;
  for (const [method, handler] of handlers) {
    if (typeof handler === 'function' && !isWrapped(handler)) {
      handlers.set(method, tracedHandler(endpoint, handler as Fn, gate));
    }
  }
  return true;
}

/** `setRequestHandler()`: registers as the SDK does, then wraps what it registered. */
export function tracedSetRequestHandler(original: Fn, gate: Gate): Fn {
  return markWrapped(function setRequestHandler(this: object, ...args: unknown[]) {
    const result = Reflect.apply(original, this, args);
    try {
      wrapHandlers(this, gate);
    } catch (error) {
      reportInternalError('mcp.setRequestHandler', error);
    }
    return result;
  }, original);
}

function tracedHandler(endpoint: object, handler: Fn, gate: Gate): Fn {
  return markWrapped(function handle(this: unknown, request: unknown, extra: HandlerExtra) {
    const op = gate() ? start(endpoint, request, extra) : undefined;
    if (!op) return Reflect.apply(handler, this, [request, extra]);
    const method = (request as { method: string }).method;
    return runTraced(
      op,
      () => Reflect.apply(handler, this, [request, extra]),
      serverFailure,
      (result) => {
        if (method === METHOD.INITIALIZE) rememberProtocolVersion(endpoint, result);
      },
    );
  }, handler);
}

/**
 * `_onrequest()`: a request for a method with no handler never reaches one;
 * the SDK answers it "method not found", and llmeter records it as such.
 */
export function tracedOnRequest(original: Fn, gate: Gate): Fn {
  return markWrapped(function onrequest(this: object, ...args: unknown[]) {
    if (gate()) recordUnhandled(this, args[0], args[1]);
    return Reflect.apply(original, this, args);
  }, original);
}

function recordUnhandled(endpoint: object, request: unknown, extra: unknown): void {
  try {
    const method = (request as { method?: unknown } | null)?.method;
    if (typeof method !== 'string') return;
    const handlers = handlersOf(endpoint);
    if (!handlers || handlers.has(method)) return;
    if ((endpoint as { fallbackRequestHandler?: unknown }).fallbackRequestHandler) return;
    const transportExtra = extra as HandlerExtra;
    const op = start(endpoint, request, {
      sessionId: transportExtra?.sessionId,
      requestId: (request as { id?: unknown }).id,
    });
    op?.fail(new Error('Method not found'), {
      errorType: String(JSONRPC_CODE.METHOD_NOT_FOUND),
      statusCode: JSONRPC_CODE.METHOD_NOT_FOUND,
    });
  } catch (error) {
    reportInternalError('mcp.onrequest', error);
  }
}

function start(endpoint: object, request: unknown, extra: HandlerExtra): McpOperation | undefined {
  try {
    const recorder = getRecorder();
    const method = (request as { method?: unknown } | null)?.method;
    if (!recorder.enabled || typeof method !== 'string') return undefined;
    const state = stateOf(endpoint);
    const params = paramsOf(request);
    const { parent, links } = parentOf(params);
    const id = extra?.requestId ?? (request as { id?: unknown }).id;
    const sessionId = extra?.sessionId;
    return recorder.startMcp({
      side: 'server',
      method,
      ...targetOf(method, params),
      requestId: typeof id === 'string' || typeof id === 'number' ? id : undefined,
      sessionId: typeof sessionId === 'string' ? sessionId : undefined,
      protocolVersion: state.protocolVersion,
      jsonrpcVersion: JSONRPC_VERSION,
      transport: transportInfoOf(endpoint, state),
      parentContext: parent,
      links,
    });
  } catch (error) {
    reportInternalError('mcp.handler', error);
    return undefined;
  }
}

/**
 * The caller's context from `params._meta` is the parent (from the root, so
 * nothing of the receiving side's ambient state leaks in); an ambient span of
 * the transport (an HTTP request's) becomes a link. Without `_meta` context
 * the ambient context is the parent.
 */
function parentOf(params: Record<string, unknown> | undefined): {
  parent: Context;
  links: Link[] | undefined;
} {
  const ambient = context.active();
  const remote = extractTraceContext(ROOT_CONTEXT, params);
  const remoteSpan = remote && trace.getSpanContext(remote);
  if (!remote || !remoteSpan || !trace.isSpanContextValid(remoteSpan)) {
    return { parent: ambient, links: undefined };
  }
  const ambientSpan = trace.getSpanContext(ambient);
  const link =
    ambientSpan && trace.isSpanContextValid(ambientSpan) && ambientSpan.spanId !== remoteSpan.spanId
      ? [{ context: ambientSpan }]
      : undefined;
  return { parent: remote, links: link };
}
