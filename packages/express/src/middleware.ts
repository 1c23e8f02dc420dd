import type { ServerResponse } from 'node:http';
import { getLLMeter } from '@llmeter/core';
import {
  failSpan,
  getRecorder,
  recordException,
  reportInternalError,
  errorType as typeOfError,
} from '@llmeter/core/internal';
import {
  type Context,
  context,
  type Span,
  SpanKind,
  type TextMapPropagator,
  trace,
} from '@opentelemetry/api';
import { HTTP_ATTR, INSTRUMENTATION_SCOPE } from './constants';
import { requestFilter } from './excluded-paths';
import { methodAttributes, routeOf, urlPath } from './http';
import { createRequestPropagator, extractRequestContext } from './propagation';
import { getRequestState, type RequestState, setRequestState } from './request-state';
import type {
  AgentNameOption,
  ErrorMiddleware,
  LLMeterMiddlewareOptions,
  Middleware,
  RequestLike,
} from './types';

/**
 * Continues the caller's trace, starts a SERVER span for the request, makes
 * it (and the request's agent, when named) the active context for every
 * handler after it, and ends both when the response finishes or the
 * connection closes. Install it first: `app.use(llmeterMiddleware())`.
 * Never breaks the request: on an internal failure the request runs as if
 * the middleware were absent.
 */
export function llmeterMiddleware<Req extends RequestLike = RequestLike>(
  options: LLMeterMiddlewareOptions<Req> = {},
): Middleware<Req> {
  const propagator: TextMapPropagator = options.propagator ?? createRequestPropagator();
  const agentName = options.agentName;
  const serverSpanMode = options.serverSpan ?? 'auto';
  const excluded = requestFilter(options);

  return function llmeterMiddleware(req, res, next) {
    let ctx: Context | undefined;
    try {
      if (getRequestState(req) === undefined && !excluded(req)) {
        ctx = begin(req, res, propagator, serverSpanMode, agentName);
      }
    } catch (error) {
      reportInternalError('express.middleware', error);
    }
    // The rest of the chain runs inside the request context; AsyncLocalStorage
    // carries it into every async continuation started from here.
    if (ctx === undefined) next();
    else context.with(ctx, next);
  };
}

/**
 * Names the agent of the routes it is put on: `app.post('/chat',
 * llmeterAgent('support-agent'), handler)`. Starts an `invoke_agent` for the
 * request (its duration and the inference and tool calls made inside it). If
 * `llmeterMiddleware` already started one for this request (its `agentName`
 * option), this one nests under it as a sub-agent: name per route either with
 * this helper or with an `agentName` function, not both.
 *
 * It also re-enters the request context, which repairs context lost by an
 * earlier middleware that calls `next()` from a callback that does not keep
 * async context (a raw event emitter or a connection pool).
 */
export function llmeterAgent<Req extends RequestLike = RequestLike>(
  name: AgentNameOption<Req>,
): Middleware<Req> {
  return function llmeterAgent(req, res, next) {
    let ctx: Context | undefined;
    try {
      const recorder = getRecorder();
      let state = getRequestState(req);
      if (state?.ended) state = undefined;
      const resolved = recorder.enabled ? resolveName(name, req) : undefined;
      if (resolved) {
        const parentContext = state?.context ?? context.active();
        const agent = recorder.startAgent({ name: resolved, parentContext });
        if (state) {
          state.agents.push(agent);
          state.context = agent.context;
        } else {
          // No llmeterMiddleware in front: this helper owns the agent's end.
          const own = newState(undefined, agent.context);
          own.agents.push(agent);
          setRequestState(req, own);
          state = own;
          watchEnd(req, res, own);
        }
      }
      ctx = state?.context;
    } catch (error) {
      reportInternalError('express.agent', error);
    }
    if (ctx === undefined) next();
    else context.with(ctx, next);
  };
}

/**
 * Records the error on the request's span and agent, then hands the very same
 * error to the next error handler: `app.use(llmeterErrorHandler())` after the
 * routes, before the application's own error handlers.
 */
export function llmeterErrorHandler<Req extends RequestLike = RequestLike>(): ErrorMiddleware<Req> {
  return function llmeterErrorHandler(err, req, _res, next) {
    try {
      const state = getRequestState(req);
      if (state && !state.ended && !state.errorSeen) {
        state.errorSeen = true;
        state.error = err;
        state.route ??= routeOf(req);
        // Recorded when the request ends, through core (scrubbed), on the SERVER span and agents.
      }
    } catch (error) {
      reportInternalError('express.errorHandler', error);
    }
    next(err);
  };
}

function begin<Req extends RequestLike>(
  req: Req,
  res: ServerResponse,
  propagator: TextMapPropagator,
  serverSpanMode: boolean | 'auto',
  agentName: AgentNameOption<Req> | undefined,
): Context | undefined {
  const llmeter = getLLMeter();
  if (llmeter && !llmeter.enabled) return undefined; // OTEL_SDK_DISABLED: stay out of the way
  const active = context.active();
  const startServerSpan =
    serverSpanMode === true || (serverSpanMode === 'auto' && !trace.getSpan(active));

  let parent = active;
  let serverSpan: Span | undefined;
  if (startServerSpan) {
    parent = extractRequestContext(propagator, active, req.headers);
    const { method, attributes } = methodAttributes(req.method);
    attributes[HTTP_ATTR.URL_PATH] = urlPath(req);
    const scheme =
      req.protocol ?? ((req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http');
    attributes[HTTP_ATTR.URL_SCHEME] = scheme;
    const tracer = llmeter?.tracer ?? trace.getTracer(INSTRUMENTATION_SCOPE);
    serverSpan = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes }, parent);
  }
  const spanContext = serverSpan ? trace.setSpan(parent, serverSpan) : parent;
  const state = newState(serverSpan, spanContext);

  const recorder = getRecorder();
  // Before init() the recorder is a no-op whose agent context is merely the active one.
  const name = recorder.enabled ? resolveName(agentName, req) : undefined;
  if (name) {
    const agent = recorder.startAgent({ name, parentContext: spanContext });
    state.agents.push(agent);
    state.context = agent.context;
  }
  setRequestState(req, state);
  watchEnd(req, res, state);
  return state.context;
}

function resolveName<Req extends RequestLike>(
  option: AgentNameOption<Req> | undefined,
  req: Req,
): string | undefined {
  let name: unknown;
  try {
    name = typeof option === 'function' ? option(req) : option;
  } catch (error) {
    // The application's hook threw: the request is still measured, without an agent (and
    // the SERVER span already started still ends).
    reportInternalError('express.agentName', error);
    return undefined;
  }
  return typeof name === 'string' && name.length > 0 ? name : undefined;
}

function newState(serverSpan: Span | undefined, ctx: Context): RequestState {
  return {
    startTime: performance.now(),
    serverSpan,
    context: ctx,
    agents: [],
    errorSeen: false,
    ended: false,
  };
}

function watchEnd(req: RequestLike, res: ServerResponse, state: RequestState): void {
  // 'finish': the response was handed to the OS; 'close': it was, or the client left first.
  const onEnd = () => {
    res.removeListener('finish', onEnd);
    res.removeListener('close', onEnd);
    try {
      finish(req, res, state);
    } catch (error) {
      reportInternalError('express.finish', error);
    }
  };
  res.once('finish', onEnd);
  res.once('close', onEnd);
}

function finish(req: RequestLike, res: ServerResponse, state: RequestState): void {
  if (state.ended) return;
  state.ended = true;
  const aborted = !res.writableFinished;
  const status = res.headersSent ? res.statusCode : undefined;
  const failed = state.errorSeen || (status !== undefined && status >= 500);
  const errorType = state.errorSeen
    ? typeOfError(state.error)
    : status !== undefined && status >= 500
      ? String(status)
      : undefined;

  // Innermost agent first, so each ends inside its parent's lifetime.
  for (let i = state.agents.length - 1; i >= 0; i--) {
    const agent = state.agents[i]!;
    if (failed) agent.fail(state.errorSeen ? state.error : undefined, errorType);
    else agent.end();
  }

  const span = state.serverSpan;
  if (!span) return;
  try {
    if (span.isRecording()) {
      const route = routeOf(req) ?? state.route;
      if (route) {
        span.setAttribute(HTTP_ATTR.ROUTE, route);
        span.updateName(`${methodAttributes(req.method).method} ${route}`);
      }
      if (status !== undefined) span.setAttribute(HTTP_ATTR.RESPONSE_STATUS_CODE, status);
      if (aborted) span.setAttribute(HTTP_ATTR.LLMETER_REQUEST_ABORTED, true);
      // Server spans: 5xx and unhandled errors are failures; 4xx are the client's, but an
      // error passed to llmeterErrorHandler stays on record as an exception event.
      const error = state.errorSeen ? state.error : undefined;
      if (status !== undefined ? status >= 500 : state.errorSeen) {
        failSpan(span, error, errorType ?? String(status));
      } else if (state.errorSeen) {
        recordException(span, error);
      }
    }
  } finally {
    span.end();
  }
}
