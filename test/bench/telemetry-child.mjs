// One build's telemetry over a fixed mixed workload, printed as normalised JSON:
// `node telemetry-child.mjs <repo root> <semconv> <temporality>`. Run by telemetry-diff.mjs.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startOtlpHttpReceiver } from '@llmeter/testing';

const [root, semconv, temporality] = process.argv.slice(2);
const require = createRequire(join(root, 'packages/core/package.json'));
const core = await import(pathToFileURL(join(root, 'packages/core/dist/index.js')).href);
const { renderMetrics } = await import(
  pathToFileURL(join(root, 'packages/core/dist/internal.js')).href
);
const { Registry } = require('prom-client');
const {
  AggregationTemporality,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader,
} = require('@opentelemetry/sdk-metrics');
const { InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace');

// Every duration comes from this clock, set by the workload: both builds see the same times
// however often they read it.
let clock = 1_000;
performance.now = () => clock;

const receiver = await startOtlpHttpReceiver();
const cumulative = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const appRegistry = new Registry();
const spanExporter = new InMemorySpanExporter();
const llmeter = core.init({
  serviceName: 'diff',
  tracesExporter: ['none'],
  metricsExporter: ['otlp', 'prometheus'],
  otlpMetricsEndpoint: receiver.metricsUrl,
  metricExportIntervalMs: 3_600_000,
  metricsTemporality: temporality,
  semconv: semconv === 'latest' ? 'latest_experimental' : undefined,
  cardinalityLimit: 6,
  handleSignals: false,
  flushOnExit: false,
  logger: false,
  internalLogLevel: 'silent',
  promRegistry: appRegistry,
  prices: { 'priced-model': { input: 0.15, output: 0.6 } },
  spanProcessors: [new SimpleSpanProcessor({ exporter: spanExporter })],
  metricReaders: [
    new PeriodicExportingMetricReader({ exporter: cumulative, exportIntervalMillis: 3_600_000 }),
  ],
});
const recorder = llmeter.recorder;

function chat(i) {
  const stream = i % 3 === 0;
  const model = i % 5 === 0 ? 'priced-model' : `model-${i % 9}`;
  clock += 1;
  const op = recorder.startOperation({
    provider: i % 4 === 0 ? 'anthropic' : 'openai',
    requestModel: model,
    operation: i % 7 === 0 ? 'embeddings' : 'chat',
    serverAddress: 'api.example.com',
    serverPort: 443,
    request: { stream },
  });
  if (stream) {
    for (let c = 0; c < 3 + (i % 4); c++) {
      clock += 0.013 * (c + 1) + i * 0.0007;
      op.chunk();
    }
  }
  clock += 0.1 + i * 0.0123;
  const usage = { inputTokens: 10 + i, outputTokens: 3 * i, estimated: i % 6 === 0 };
  if (i % 8 === 3) {
    op.fail(Object.assign(new Error('rate limited'), { status: 429 }), { usage });
  } else if (i % 11 === 10) {
    op.fail(new Error('boom'));
  } else {
    op.end({ responseModel: `${model}-2026`, usage, finishReasons: ['stop'] });
  }
}

function others(i) {
  clock += 0.5;
  const tool = recorder.startTool({ name: `tool-${i % 3}` });
  clock += 0.05 * i;
  if (i % 2) tool.end('ok');
  else tool.fail(new Error('tool failed'));
  const agent = recorder.startAgent({ name: 'agent' });
  clock += 0.2;
  agent.end?.();
  recorder.recordGuardrail({ name: 'pii', action: i % 2 ? 'blocked' : 'flagged' });
  recorder.recordEvaluation({ name: 'relevance', scoreLabel: 'good', scoreValue: 0.5 });
  recorder.recordAgentOutcome({ agentName: 'agent', outcome: i % 2 ? 'success' : 'failure' });
  recorder.recordServedRequest({
    requestModel: 'served',
    durationS: 0.25 + i / 100,
    timeToFirstTokenS: 0.01 * i,
    timePerOutputTokenS: [0.001, 0.002 * i],
    errorType: i % 3 === 0 ? '500' : undefined,
  });
  const mcp = recorder.startMcp?.({
    side: 'client',
    method: 'tools/call',
    toolName: 'lookup',
    requestId: i,
  });
  clock += 0.03;
  mcp?.end?.();
}

const ids = new Map();
const id = (hex) => {
  if (!ids.has(hex)) ids.set(hex, `id${ids.size}`);
  return ids.get(hex);
};
const normaliseText = (text) =>
  text
    .replace(/(trace_id|span_id)="([0-9a-f]+)"/g, (_, k, v) => `${k}="${id(v)}"`)
    .replace(/(# \{[^}]*\} \S+) \S+$/gm, '$1 T');

/** Timestamps say only how they relate: each start is the previous export's end, or its own. */
function normaliseOtlp(value, ends) {
  if (Array.isArray(value)) return value.map((v) => normaliseOtlp(v, ends));
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    // The resource names the process (random instance id, pid): not what is compared.
    if (k === 'resource') out[k] = 'R';
    else if (k === 'startTimeUnixNano') out[k] = ends.has(String(v)) ? 'previous-export' : 'own';
    else if (k === 'timeUnixNano') out[k] = 'T';
    else out[k] = normaliseOtlp(v, ends);
  }
  return out;
}

const phases = [];
async function phase(from, to) {
  for (let i = from; i < to; i++) {
    chat(i);
    if (i % 4 === 0) others(i);
  }
  await llmeter.forceFlush();
  phases.push({
    openMetrics: normaliseText(await renderMetrics([llmeter.promRegistry], true)),
    text: normaliseText(await renderMetrics([llmeter.promRegistry], false)),
    promClient: normaliseText(await llmeter.promRegistry.metrics()),
    appRegistry: normaliseText(await appRegistry.metrics()),
  });
}
await phase(0, 30);
await phase(30, 31); // a short interval: most series see nothing, some are new
await phase(31, 70);

const ends = new Set();
const otlp = [];
for (const request of receiver.requests().filter((r) => r.signal === 'metrics')) {
  otlp.push(normaliseOtlp(request.body, ends));
  for (const rm of request.body.resourceMetrics ?? [])
    for (const sm of rm.scopeMetrics ?? [])
      for (const m of sm.metrics ?? [])
        for (const kind of ['sum', 'histogram', 'gauge'])
          for (const p of m[kind]?.dataPoints ?? []) ends.add(String(p.timeUnixNano));
}
const inMemory = cumulative.getMetrics().map((rm) =>
  rm.scopeMetrics.map((sm) => ({
    scope: sm.scope,
    metrics: sm.metrics.map((m) => ({
      ...m,
      dataPoints: m.dataPoints.map(({ startTime, endTime, ...p }) => p),
    })),
  })),
);
// Spans as an exporter gets them; attributes as entries, so their order is compared too.
const spans = spanExporter.getFinishedSpans().map((span) => ({
  name: span.name,
  kind: span.kind,
  ids: `${id(span.spanContext().traceId)}/${id(span.spanContext().spanId)}`,
  parent: span.parentSpanContext ? id(span.parentSpanContext.spanId) : undefined,
  attributes: Object.entries(span.attributes),
  droppedAttributesCount: span.droppedAttributesCount,
  status: span.status,
  events: span.events.map((e) => ({ name: e.name, attributes: e.attributes })),
  links: span.links.length,
  // In µs: start and end are the process's time origin plus the clock, so the nanoseconds vary.
  durationUs: Math.round((span.duration[0] * 1e9 + span.duration[1]) / 1e3),
}));
await llmeter.shutdown();
await receiver.close();
process.stdout.write(JSON.stringify({ phases, otlp, inMemory, spans }, null, 1));
