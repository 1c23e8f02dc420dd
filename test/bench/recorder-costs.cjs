// What one LLM operation costs in @llmeter/core, by sink: the recorder alone
// (startOperation + end, as the OpenAI adapter calls them for a non-streaming
// chat call), no SDK, no network. Each configuration runs in its own process.
// `node --expose-gc recorder-costs.cjs` prints a table.
'use strict';

const { spawnSync } = require('node:child_process');

// The /metrics series are always kept (init() always builds them); what can be
// taken away is the OTel metric reader, the span (sampled out) and the log line.
const CONFIGS = {
  'spans + OTLP metrics + /metrics + log line (default sinks)': { log: true, otel: true },
  'spans + OTLP metrics + /metrics': { log: false, otel: true },
  'spans + /metrics (no OTel metric reader)': { log: false, otel: false },
  '/metrics only (spans sampled out, no OTel metric reader)': {
    log: false,
    otel: false,
    sampledOut: true,
  },
};

function child(config) {
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace');
  const { PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
  const { init } = require('@llmeter/core');
  const { countingMetricExporter, countingSpanExporter } = require('./exporters.cjs');
  const llmeter = init({
    serviceName: 'bench',
    tracesExporter: ['none'],
    metricsExporter: ['prometheus'],
    handleSignals: false,
    logger: config.log ? undefined : false,
    spanProcessors: [new BatchSpanProcessor({ exporter: countingSpanExporter() })],
    metricReaders: config.otel
      ? [
          new PeriodicExportingMetricReader({
            exporter: countingMetricExporter(),
            exportIntervalMillis: 5000,
          }),
        ]
      : [],
  });
  const start = {
    operation: 'chat',
    provider: 'openai',
    requestModel: 'gpt-4o-mini',
    serverAddress: '127.0.0.1',
    serverPort: 8000,
    request: { stream: false, maxTokens: 100, temperature: 0.5 },
  };
  const end = {
    responseModel: 'gpt-4o-mini-2024-07-18',
    responseId: 'chatcmpl-1',
    finishReasons: ['stop'],
    usage: { inputTokens: 11, outputTokens: 8 },
  };
  const run = (n) => {
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) llmeter.recorder.startOperation(start).end(end);
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / n;
  };
  run(20_000);
  const xs = [];
  for (let r = 0; r < 9; r++) {
    global.gc?.();
    xs.push(run(20_000));
  }
  process.stderr.write(JSON.stringify(xs.sort((a, b) => a - b)[4]));
  llmeter.shutdown();
}

if (process.argv[2]) {
  child(JSON.parse(process.argv[2]));
} else {
  console.log('| configuration | CPU µs per operation (median of 9 × 20k) |\n|---|---|');
  for (const [name, config] of Object.entries(CONFIGS)) {
    // stdout to /dev/null: the log line is written as a service writes it, not kept.
    const env = config.sampledOut
      ? { ...process.env, OTEL_TRACES_SAMPLER: 'always_off' }
      : process.env;
    const { stderr } = spawnSync(
      process.execPath,
      ['--expose-gc', __filename, JSON.stringify(config)],
      { stdio: ['ignore', 'ignore', 'pipe'], env },
    );
    console.log(`| ${name} | ${Number(stderr.toString()).toFixed(1)} |`);
  }
}
