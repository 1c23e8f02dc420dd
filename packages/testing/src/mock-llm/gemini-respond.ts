import type { RequestContext } from './respond.js';

/**
 * Google's error envelope `{error:{code, message, status}}` with the
 * canonical RPC status names the Gemini API and Vertex AI use for each HTTP
 * status; 429 and 503 carry `retry-after` as Google's front ends do.
 */
const GOOGLE_ERRORS: Record<number, { status: string; message: string }> = {
  400: { status: 'INVALID_ARGUMENT', message: 'Request contains an invalid argument.' },
  401: {
    status: 'UNAUTHENTICATED',
    message: 'Request had invalid authentication credentials.',
  },
  403: {
    status: 'PERMISSION_DENIED',
    message: "Method doesn't allow unregistered callers (callers without established identity).",
  },
  404: { status: 'NOT_FOUND', message: 'models/mock is not found for API version v1beta.' },
  429: {
    status: 'RESOURCE_EXHAUSTED',
    message:
      'You exceeded your current quota, please check your plan and billing details. Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_requests, limit: 3.',
  },
  500: { status: 'INTERNAL', message: 'An internal error has occurred. Please retry.' },
  503: { status: 'UNAVAILABLE', message: 'The model is overloaded. Please try again later.' },
  504: {
    status: 'DEADLINE_EXCEEDED',
    message: 'Deadline expired before operation could complete.',
  },
};

export function geminiErrorBody(status: number, message?: string): string {
  const known = GOOGLE_ERRORS[status] ?? GOOGLE_ERRORS[status >= 500 ? 500 : 400];
  return JSON.stringify({
    error: {
      code: status,
      message: message ?? known?.message ?? 'Error',
      status: known?.status ?? 'UNKNOWN',
    },
  });
}

export function sendGeminiError(ctx: RequestContext, status: number, message?: string): void {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=UTF-8',
    'x-request-id': ctx.requestId,
  };
  if (status === 429 || status === 503)
    headers['retry-after'] = String(ctx.behavior.retryAfterSeconds);
  ctx.res.writeHead(status, headers);
  ctx.res.end(geminiErrorBody(status, message));
}
