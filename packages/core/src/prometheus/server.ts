import type { RequestListener, Server } from 'node:http';
import { infoOnce, reportInternalError } from '../internal-log';
import type { MetricsRequestHandler } from './handler';

/**
 * The routing of a port that serves only /metrics, shared by the standalone
 * listener and @llmeter/express's `serveMetrics()`: `GET` and `HEAD` of
 * `/metrics` or `/` go to `handler` (for HEAD, Node sends the headers and
 * drops the body), anything else is a 404. Never throws into the server.
 */
export function metricsRequestListener(
  handler: MetricsRequestHandler,
  site = 'metrics.server',
): RequestListener {
  return (req, res) => {
    try {
      const path = (req.url ?? '/').split('?')[0];
      if (
        (req.method === 'GET' || req.method === 'HEAD') &&
        (path === '/metrics' || path === '/')
      ) {
        handler(req, res);
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
    } catch (error) {
      reportInternalError(site, error);
      try {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      } catch {
        // the connection is gone
      }
    }
  };
}

/**
 * A standalone listener serving /metrics on its own port (LLMETER_METRICS_PORT),
 * for services whose own port should not expose metrics. Unref'd: it never
 * keeps the process alive.
 */
export function startMetricsServer(
  handler: MetricsRequestHandler,
  port: number,
  host: string,
): Server {
  const server = httpModule().createServer(metricsRequestListener(handler));
  server.on('error', (error) => reportInternalError('metrics.server', error));
  server.listen(port, host, () => {
    const address = server.address();
    infoOnce('metrics.server', 'serving /metrics', { address });
  });
  server.unref();
  return server;
}

/**
 * `node:http` without an ES module facade. Why: `import … from 'node:http'`
 * in an ES module makes Node build a facade that reads every export, and
 * `http`'s lazy `WebSocket`/undici getters then load undici at import time:
 * ~27 ms of start-up on the development VM (3 ms this way), which a bare
 * fetch-based client otherwise pays only at its first request.
 */
export function httpModule(): typeof import('node:http') {
  return process.getBuiltinModule('node:http');
}
