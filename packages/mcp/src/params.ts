import { type Context, propagation, type TextMapGetter } from '@opentelemetry/api';
import { METHOD, RESOURCE_METHODS } from './constants';

type Params = Record<string, unknown>;

/** What a request's params say about its target (tool, prompt or resource). */
export interface Target {
  toolName?: string;
  promptName?: string;
  resourceUri?: string;
  arguments?: unknown;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function paramsOf(request: unknown): Params | undefined {
  const params = (request as { params?: unknown } | null)?.params;
  return params !== null && typeof params === 'object' ? (params as Params) : undefined;
}

export function targetOf(method: string, params: Params | undefined): Target {
  if (!params) return {};
  if (method === METHOD.TOOLS_CALL) {
    return { toolName: stringOf(params.name), arguments: params.arguments };
  }
  if (method === METHOD.PROMPTS_GET) return { promptName: stringOf(params.name) };
  if (RESOURCE_METHODS.has(method)) return { resourceUri: stringOf(params.uri) };
  return {};
}

/**
 * The request to send: the caller's, with the trace context (`traceparent`,
 * `tracestate`, `baggage`, from the configured propagator) added to
 * `params._meta`. A copy: the caller's objects are never changed, and keys
 * the caller put in `_meta` win over the injected ones.
 */
export function withTraceContext<T>(request: T, ctx: Context): T {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  if (Object.keys(carrier).length === 0) return request;
  const params = paramsOf(request);
  const given = (request as { params?: unknown }).params;
  if (given !== undefined && params === undefined) return request; // not an object: leave it alone
  const meta = params?._meta;
  if (meta !== undefined && (meta === null || typeof meta !== 'object')) return request;
  return {
    ...request,
    params: { ...params, _meta: { ...carrier, ...(meta as Params | undefined) } },
  };
}

const metaGetter: TextMapGetter<Params> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const value = carrier[key];
    return typeof value === 'string' ? value : undefined;
  },
};

/** The caller's context from `params._meta`, or undefined when it carries none. */
export function extractTraceContext(
  root: Context,
  params: Params | undefined,
): Context | undefined {
  const meta = params?._meta;
  if (meta === null || typeof meta !== 'object') return undefined;
  if (typeof (meta as Params).traceparent !== 'string') return undefined;
  return propagation.extract(root, meta as Params, metaGetter);
}
