// llmeter demo: the example agent service (examples/agent-service) against
// the mock LLM, exporting over real OTLP to receivers in this process.
// Sends a varied burst (agent runs with tool calls and a failing tool,
// streamed and JSON chat, the OpenAI-compatible serving route, one upstream
// 429), then prints a per-model table computed from the service's own
// /metrics, one trace as an indented tree, and where the live endpoints are.
// `node demo.mjs --serve` keeps everything running for exploration, the
// service on PORT (3000 by default; 0 picks a free port), until SIGINT or
// SIGTERM, on which it stops the service and its receivers, prints a
// "stopped" line and exits 0. It also stops when a process above it goes away
// (a wrapper such as `npx pnpm` killed without passing the signal on), so the
// service is never left orphaned on its port.
// Offline: nothing leaves 127.0.0.1.
import { randomBytes } from 'node:crypto';
import { startOtlpGrpcReceiver, startOtlpHttpReceiver } from '@llmeter/testing';
import { ISOLATED_ENV, launchAgentService } from '../agent-service/launch.mjs';
import { printTable, printTrace, progress } from '../core-demo/print.mjs';
import { parsePrometheusText } from '../core-demo/prom-text.mjs';
import { watchAncestors } from './ancestors.mjs';
import { agentSummary, asReadableSpan, modelRows } from './summarize.mjs';
import { demoPlan, sendPlan } from './traffic.mjs';

const serve = process.argv.includes('--serve');
const traces = await startOtlpGrpcReceiver();
const metrics = await startOtlpHttpReceiver();
const service = await launchAgentService({
  port: serve ? Number(process.env.PORT ?? 3000) : 0,
  env: {
    // Always the embedded mock LLM, whatever this shell has configured.
    ...ISOLATED_ENV,
    OTEL_SERVICE_NAME: 'agent-service',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_METRICS_EXPORTER: 'otlp,prometheus',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: traces.url,
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: metrics.metricsUrl,
    OTEL_BSP_SCHEDULE_DELAY: '200',
    OTEL_METRIC_EXPORT_INTERVAL: serve ? '10000' : '2000',
  },
});
console.log(`agent-service listening on ${service.url} (upstream: ${service.upstream} LLM)`);

let stopping;
function stop(why) {
  stopping ??= (async () => {
    unwatch();
    await service.stop();
    await Promise.all([traces.close(), metrics.close()]);
    console.log(`stopped (${why}): the service and its receivers are down`);
    process.exit(0);
  })();
  return stopping;
}
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
const unwatch = watchAncestors(() => stop('the command that started it exited'));

// The trace drawn at the end: one agent run, continued from this traceparent.
const traceId = randomBytes(16).toString('hex');
const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;

const plan = demoPlan({ traceparent });
const surprises = await sendPlan(service.url, plan, {
  onProgress: (done, total) => progress(done, total, 'HTTP requests'),
});
if (surprises.length > 0) console.log(`unexpected answers: ${surprises.join('; ')}`);

// The table, from the service's own Prometheus endpoint.
const families = parsePrometheusText(await (await fetch(`${service.url}/metrics`)).text());
printTable(modelRows(families), { calls: 'model calls' });
console.log(
  "model calls: the service's calls to the LLM (one HTTP request to /agent makes two or three).",
);
console.log(
  'ttft: time to first token, measured on streamed calls only; "-" when none of that model\'s calls was streamed.',
);
const summary = agentSummary(families);
const ms = (s) => (s === undefined ? '-' : `${Math.round(s * 1000)} ms`);
const tools = [...summary.tools]
  .map(([name, t]) => `${name} ${t.calls}${t.failed ? ` (${t.failed} failed)` : ''}`)
  .join(', ');
console.log(
  `\nAgent weather-agent: ${summary.invocations} runs, p50 ${ms(summary.agentP50)}; tool calls: ${tools}`,
);
console.log(
  `Served /v1/chat/completions: ${summary.served} requests, server time to first token p50 ${ms(summary.servedTtft50)}, time per output token p50 ${ms(summary.servedTpot50)}`,
);

// The trace, as the collector would receive it (OTLP/gRPC).
const spans = await traces
  .waitFor((r) => {
    const inTrace = r.spans().filter((s) => s.traceId === traceId);
    return inTrace.some((s) => s.kindName === 'SERVER') ? inTrace : undefined;
  }, 10_000)
  .catch(() => []);
const readable = spans.map(asReadableSpan);
// The request's SERVER span (the MCP server's span in the same trace is one too).
const isChild = (s) => readable.some((p) => p.spanContext().spanId === s.parentSpanContext?.spanId);
const root = readable.find((s) => s.kind === 2 && !isChild(s));
if (root) printTrace(readable, root);
else console.log('\n(no trace received over OTLP within 10 s)');

const logLine = service.logs.find((l) => l.trace_id === traceId && l.msg === 'llm_call_completed');
console.log(
  `\nLogs: ${service.logs.length} JSON lines on the service's stdout (llmeter's pino; trace_id and span_id inside a request), e.g.`,
);
if (logLine) console.log(`  ${JSON.stringify(logLine)}`);

console.log('\nLive endpoints');
console.log(`  agent service        ${service.url}`);
console.log(
  `    POST /agent {"question": "..."}            LangChain agent (get_weather, get_time, MCP get_forecast)`,
);
console.log(`    POST /chat/stream {"message": "..."}       direct OpenAI streaming, SSE`);
console.log(`    POST /gemini/stream {"message": "..."}     direct Gemini streaming, SSE`);
console.log(`    POST /v1/chat/completions                  OpenAI-compatible, JSON or SSE`);
console.log(
  `    GET  /metrics                              Prometheus (OpenMetrics with exemplars on Accept)`,
);
console.log(`  mock LLM             ${service.upstreamUrl}`);
console.log(`  OTLP/gRPC traces  →  ${traces.url}   OTLP/HTTP metrics  →  ${metrics.metricsUrl}`);

if (serve) {
  console.log(`\n--serve: running until Ctrl-C. Try:`);
  console.log(
    `  curl -s ${service.url}/agent -H 'content-type: application/json' -d '{"question":"What is the weather in Paris? (get_weather)"}'`,
  );
  console.log(`  curl -s ${service.url}/metrics | grep gen_ai_client_token_usage_sum`);
} else {
  // SIGTERM: the service drains, flushes its last spans and delta metrics, exits.
  const exit = await service.stop();
  const exports = metrics.metrics();
  const temporality = [
    ...new Set(exports.filter((m) => m.type === 'histogram').map((m) => m.temporality)),
  ];
  console.log(
    `\nService stopped (${exit.signal ?? `exit ${exit.code}`}). Received over OTLP: ${traces.spans().length} spans, ` +
      `${metrics.requests().length} metric exports (${temporality.join('/') || 'none'} temporality).`,
  );
  console.log(
    'Run it with --serve (npx -y pnpm@12 demo --serve) to keep the endpoints above running.',
  );
  await Promise.all([traces.close(), metrics.close()]);
  unwatch();
}
