import type { RequestContext } from './respond.js';
import type { Json } from './tokens.js';

/*
 * What the Anthropic Messages API sends besides bodies: its error envelope
 * and status codes, its `request-id` header and its SSE frames.
 */

/** Anthropic's error `type` by HTTP status (https://docs.anthropic.com/en/api/errors). */
const ERROR_TYPES: Record<number, { type: string; message: string }> = {
  400: { type: 'invalid_request_error', message: 'messages: field required' },
  401: { type: 'authentication_error', message: 'invalid x-api-key' },
  403: {
    type: 'permission_error',
    message: 'Your API key does not have permission to use the specified resource.',
  },
  404: { type: 'not_found_error', message: 'The requested resource could not be found.' },
  413: {
    type: 'request_too_large',
    message: 'Request exceeds the maximum allowed number of bytes.',
  },
  429: {
    type: 'rate_limit_error',
    message:
      'This request would exceed the rate limit for your organization of 50 requests per minute.',
  },
  500: { type: 'api_error', message: 'Internal server error' },
  529: { type: 'overloaded_error', message: 'Overloaded' },
};

/** The error type of a status Anthropic has no entry for. */
function errorTypeOf(status: number): { type: string; message: string } {
  return (
    ERROR_TYPES[status] ??
    (status >= 500 ? ERROR_TYPES[500] : ERROR_TYPES[400]) ??
    ERROR_TYPES[400]!
  );
}

/** `{type:'error', error:{type, message}, request_id}`, an SSE `error` event's body too. */
export function errorBody(ctx: RequestContext, type: string, message: string): Json {
  return { type: 'error', error: { type, message }, request_id: ctx.requestId };
}

/** Headers every Anthropic answer carries (set before respond.ts writes its own). */
export function setAnthropicHeaders(ctx: RequestContext): void {
  ctx.res.setHeader('request-id', ctx.requestId);
  ctx.res.setHeader('anthropic-organization-id', 'org-mock');
}

/**
 * An HTTP error as Anthropic sends it: the envelope, `request-id`, and on 429,
 * 503 and 529 `retry-after` (429 adds the rate-limit headers). A custom
 * message (routing, parsing) keeps the status's error type.
 */
export function sendAnthropicError(ctx: RequestContext, status: number, message?: string): void {
  const known = errorTypeOf(status);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'request-id': ctx.requestId,
  };
  if (status === 429 || status === 503 || status === 529) {
    headers['retry-after'] = String(ctx.behavior.retryAfterSeconds);
  }
  if (status === 429) {
    headers['anthropic-ratelimit-requests-limit'] = '50';
    headers['anthropic-ratelimit-requests-remaining'] = '0';
    headers['anthropic-ratelimit-requests-reset'] = new Date(
      Date.now() + ctx.behavior.retryAfterSeconds * 1000,
    ).toISOString();
  }
  ctx.res.writeHead(status, headers);
  ctx.res.end(JSON.stringify(errorBody(ctx, known.type, message ?? known.message)));
}
