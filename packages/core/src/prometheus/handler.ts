import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { reportInternalError } from '../internal-log';
import {
  OPENMETRICS_CONTENT_TYPE,
  PROMETHEUS_CONTENT_TYPE,
  renderMetrics,
  wantsOpenMetrics,
} from './exposition';

export interface MetricsHandlerOptions {
  /** Require `Authorization: Bearer <token>`. */
  token?: string;
}

/** A `(req, res)` handler for any Node HTTP server (plain http, Express, Fastify's raw req/res). */
export type MetricsRequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Serves /metrics: Prometheus text by default, OpenMetrics with exemplars when
 * the scraper's Accept header asks for it. Never throws into the server.
 */
export function createMetricsHandler(
  registries: () => Registry[],
  options: MetricsHandlerOptions = {},
): MetricsRequestHandler {
  const expected = options.token ? Buffer.from(`Bearer ${options.token}`) : undefined;
  return (req, res) => {
    try {
      if (expected && !authorized(req.headers.authorization, expected)) {
        res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' });
        res.end('unauthorized\n');
        return;
      }
      const openMetrics = wantsOpenMetrics(req.headers.accept);
      renderMetrics(registries(), openMetrics).then(
        (body) => {
          res.writeHead(200, {
            'content-type': openMetrics ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE,
          });
          res.end(body);
        },
        (error: unknown) => fail(res, error),
      );
    } catch (error) {
      fail(res, error);
    }
  };
}

function authorized(header: string | undefined, expected: Buffer): boolean {
  if (!header) return false;
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function fail(res: ServerResponse, error: unknown): void {
  reportInternalError('metrics.handler', error);
  try {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    res.end('metrics unavailable\n');
  } catch {
    // the connection is gone; nothing left to tell the scraper
  }
}
