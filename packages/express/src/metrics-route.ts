import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getLLMeter, type LLMeter, type MetricsRequestHandler } from '@llmeter/core';
import { httpModule, metricsRequestListener, reportInternalError } from '@llmeter/core/internal';
import { markMetricsHandler } from './excluded-paths';
import type {
  MetricsHandlerOptions,
  MetricsServerHandle,
  Middleware,
  ServeMetricsOptions,
} from './types';

/**
 * The /metrics route: `app.get('/metrics', metricsHandler())`. Prometheus
 * text, or OpenMetrics with exemplars when the scraper asks for it; a bearer
 * token when one is configured. The llmeter instance is looked up per
 * request, so `init()` may run after the app is set up (or be re-run).
 */
export function metricsHandler(options: MetricsHandlerOptions = {}): Middleware<IncomingMessage> {
  const serve = resolvingHandler(options);
  return markMetricsHandler(function llmeterMetrics(req, res, next) {
    try {
      serve(req, res);
    } catch (error) {
      reportInternalError('express.metricsHandler', error);
      next(); // let the application answer; a scrape must never crash it
    }
  });
}

/**
 * Serves /metrics on a port of its own (for services whose application port
 * must not expose metrics). Unref'd: never keeps the process alive. The same
 * thing `init({ metricsPort })` / LLMETER_METRICS_PORT does, for code that
 * decides the port itself.
 */
export function serveMetrics(options: ServeMetricsOptions): MetricsServerHandle {
  const serve = resolvingHandler(options);
  // Not a static import of node:http: see httpModule() (~27 ms of ES module start-up).
  const server = httpModule().createServer(metricsRequestListener(serve, 'express.serveMetrics'));
  const host = options.host ?? '0.0.0.0';
  const ready = new Promise<{ host: string; port: number }>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.removeListener('error', reject);
      server.on('error', (error) => reportInternalError('express.serveMetrics', error));
      const address = server.address() as AddressInfo;
      resolve({ host: address.address, port: address.port });
    });
  });
  // A listen failure is reported through `ready` and logged; never unhandled.
  ready.catch((error: unknown) => reportInternalError('express.serveMetrics.listen', error));
  server.unref();

  let closing: Promise<void> | undefined;
  return {
    ready,
    close() {
      // Wait for a pending listen, so close() right after serveMetrics() cannot leave it bound.
      closing ??= ready.then(
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
        () => undefined,
      );
      return closing;
    },
  };
}

/** A `(req, res)` handler bound to whichever llmeter instance is running at request time. */
function resolvingHandler(options: MetricsHandlerOptions): MetricsRequestHandler {
  const token = options.token;
  let cachedFor: LLMeter | undefined;
  let cached: MetricsRequestHandler | undefined;
  return (req: IncomingMessage, res: ServerResponse) => {
    const llmeter = getLLMeter();
    if (!llmeter) {
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '5' });
      res.end('llmeter is not initialized\n');
      return;
    }
    if (cachedFor !== llmeter || !cached) {
      cached = llmeter.metricsHandler(token === undefined ? {} : { token });
      cachedFor = llmeter;
    }
    cached(req, res);
  };
}
