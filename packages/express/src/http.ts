import type { Attributes } from '@opentelemetry/api';
import { HTTP_ATTR, KNOWN_HTTP_METHODS, OTHER_METHOD } from './constants';
import type { RequestLike } from './types';

/** `http.request.method` (+ `_original` for a method semconv does not know). */
export function methodAttributes(method: string | undefined): {
  method: string;
  attributes: Attributes;
} {
  const original = method ?? 'GET';
  const upper = original.toUpperCase();
  if (KNOWN_HTTP_METHODS.has(upper)) {
    const attributes: Attributes = { [HTTP_ATTR.REQUEST_METHOD]: upper };
    if (upper !== original) attributes[HTTP_ATTR.REQUEST_METHOD_ORIGINAL] = original;
    return { method: upper, attributes };
  }
  return {
    method: 'HTTP',
    attributes: {
      [HTTP_ATTR.REQUEST_METHOD]: OTHER_METHOD,
      [HTTP_ATTR.REQUEST_METHOD_ORIGINAL]: original.slice(0, 64),
    },
  };
}

/** The request path without the query string (which may hold secrets). */
export function urlPath(req: RequestLike): string {
  const url = req.originalUrl ?? req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * The matched route template (`/users/:id`), mount path included, or
 * undefined before a route matched or for a regular-expression route.
 */
export function routeOf(req: RequestLike): string | undefined {
  const path = req.route?.path;
  if (typeof path !== 'string') return undefined;
  const base = typeof req.baseUrl === 'string' ? req.baseUrl : '';
  return `${base}${path}` || '/';
}
