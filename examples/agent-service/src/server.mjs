// Entry point: `node src/server.mjs`.
import { llmeter } from './telemetry.mjs';

// Everything that calls a model loads after llmeter has started: dynamic
// imports, so that no import sorting can ever move them ahead of init().
const { createApp } = await import('./app.mjs');
const { connectUpstream } = await import('./upstream.mjs');

const log = llmeter.logger;
const upstream = await connectUpstream();
const app = createApp({ llmeter, upstream });
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';

const server = app.listen(port, host, () => {
  const address = server.address();
  log.info(
    {
      port: address.port,
      url: `http://127.0.0.1:${address.port}`,
      upstream: upstream.mode,
      upstreamUrl: upstream.mode === 'mock' ? upstream.baseURL : undefined,
    },
    'agent-service listening',
  );
});
server.on('error', (error) => {
  log.error({ err: error }, 'cannot listen');
  process.exitCode = 1;
});

// Kubernetes sends SIGTERM: stop accepting, let in-flight requests finish
// (bounded), then flush spans and metrics, then let the process end.
let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  const drained = new Promise((resolve) => server.close(resolve));
  const grace = setTimeout(() => server.closeAllConnections(), 10_000);
  grace.unref();
  server.closeIdleConnections();
  await drained;
  clearTimeout(grace);
  await llmeter.shutdown();
  await upstream.close();
}
process.once('SIGTERM', () => stop('SIGTERM'));
process.once('SIGINT', () => stop('SIGINT'));
