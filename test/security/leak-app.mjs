// The leak hunt's application (leaks.test.ts runs it in its own process, on
// the built packages, once with content capture off and once on). It starts
// llmeter exporting to the test's OTLP receivers and serving /metrics, runs
// every failure scenario of every adapter in scenarios.mjs with credentials
// planted in the error, then scrapes /metrics in both formats, shuts down and
// writes a report to REPORT_FILE (not stdout: the report holds the app's own,
// unscrubbed errors; stdout and stderr are searched).
//
// A scenario module exports `scenarios(ctx)` (a list of `{ name, planted?,
// run }`) and optionally `close()`. `run()` resolves to (or rejects with) the
// error the caller saw; with `planted`, that must be the very same object,
// its message and properties unchanged. `ctx` offers the secrets, `plant()`
// (a fresh error carrying all of them), `upstream()` (a leaky gateway), the
// capture switch and the llmeter instance.
import { createServer } from 'node:http';
import { init } from '@llmeter/core';
import { ADAPTERS } from './scenarios.mjs';

const secrets = JSON.parse(process.env.SECRETS);
const capture = process.env.CAPTURE === 'true';

const llmeter = init({
  serviceName: 'leak-hunt',
  handleSignals: false,
  metricsPort: 0,
  metricsHost: '127.0.0.1',
  captureContent: capture,
  internalLogLevel: 'debug', // the most llmeter ever writes about itself
  metricExportIntervalMs: 3_600_000, // exported once, at shutdown
  // A user hook that throws, with a credential in its error.
  redact: (message) => {
    if (JSON.stringify(message).includes('REDACT_BOOM')) throw plant('redact hook');
    return message;
  },
});

/** A fresh error with every planted credential in its message, properties and stack. */
function plant(where, { padded = false } = {}) {
  const s = secrets;
  const pad = padded ? `${'p'.repeat(1024 - 12)} ` : ''; // the key straddles the 1024 limit
  const error = new Error(
    `${pad}${s.key} failed in ${where}: Authorization: Bearer ${s.bearer}, ` +
      `authorization: bearer ${s.bearerLower}, upstream https://user:${s.password}@llm.internal/v1, ` +
      `x-api-key: ${s.apiKeyHeader}, ${s.google} ${s.aws} ${s.jwt} ` +
      `https://llm.internal/v1?key=${s.queryKey}`,
  );
  error.code = s.key;
  error.type = s.key;
  error.headers = { authorization: `Bearer ${s.bearer}`, 'x-api-key': s.apiKeyHeader };
  error.url = `https://user:${s.password}@llm.internal/v1`;
  error.stack = [
    `Error: ${error.message}`,
    `    at fetch (https://user:${s.password}@llm.internal/${s.key}.js:1:1)`,
    `    at Authorization: Bearer ${s.bearer} (node:internal/x:1:1)`,
    ...(new Error().stack ?? '').split('\n').slice(1),
  ].join('\n');
  return error;
}

const upstreams = [];
/** An HTTP server answering every request with this status and body (a leaky gateway). */
async function upstream({ status, body, contentType = 'application/json' }) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': contentType });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstreams.push(server);
  return `http://127.0.0.1:${server.address().port}`;
}

const ctx = { secrets, capture, plant, upstream, llmeter };

function snapshot(error) {
  return error && { message: error.message, stack: error.stack, props: { ...error } };
}

const outcomes = [];
const closers = [];
for (const { adapter, module } of ADAPTERS) {
  const mod = await import(new URL(module, import.meta.url));
  if (typeof mod.close === 'function') closers.push(mod.close);
  for (const scenario of await mod.scenarios(ctx)) {
    const before = JSON.stringify(snapshot(scenario.planted));
    let observed;
    try {
      observed = await scenario.run();
    } catch (error) {
      observed = error;
    }
    outcomes.push({
      adapter,
      name: scenario.name,
      sawError: observed instanceof Error || typeof observed === 'object',
      same: scenario.planted ? observed === scenario.planted : undefined,
      unchanged: scenario.planted
        ? JSON.stringify(snapshot(scenario.planted)) === before
        : undefined,
      rawMessage: String(observed?.message ?? observed),
    });
  }
}
for (const close of closers) await close();
for (const server of upstreams) server.close();

const port = llmeter.metricsServer.address().port;
const scrape = async (accept) =>
  (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: accept ? { accept } : {} })).text();
const prometheusText = await scrape();
const openMetrics = await scrape('application/openmetrics-text; version=1.0.0');
await llmeter.shutdown();
const { writeFileSync } = await import('node:fs');
writeFileSync(process.env.REPORT_FILE, JSON.stringify({ outcomes, prometheusText, openMetrics }));
