import { createServer, type Server } from 'node:http';
import { infoOnce, reportInternalError } from '../internal-log';
import type { MetricsRequestHandler } from './handler';

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
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && (path === '/metrics' || path === '/')) {
      handler(req, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  });
  server.on('error', (error) => reportInternalError('metrics.server', error));
  server.listen(port, host, () => {
    const address = server.address();
    infoOnce('metrics.server', 'serving /metrics', { address });
  });
  server.unref();
  return server;
}
