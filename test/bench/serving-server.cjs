// One server of serving.mjs: an OpenAI-compatible streamed chat route that
// writes N chunks (`x-chunks`), bare or behind llmeter's middleware, in its own
// process. `node serving-server.cjs bare|llmeter`; answers its CPU over IPC.
'use strict';

const variant = process.argv[2];
const express = require('express');

let llmeter;
const app = express();
if (variant === 'llmeter') {
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace');
  const { PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
  const { init } = require('@llmeter/core');
  const { llmeterMiddleware, llmeterServing } = require('@llmeter/express');
  const { countingMetricExporter, countingSpanExporter } = require('./exporters.cjs');
  // The client benchmark's sinks (variants.cjs), the log line off as there.
  llmeter = init({
    serviceName: 'bench-serving',
    tracesExporter: ['none'],
    metricsExporter: ['prometheus'],
    handleSignals: false,
    internalLogLevel: 'error',
    logger: false,
    spanProcessors: [new BatchSpanProcessor({ exporter: countingSpanExporter() })],
    metricReaders: [
      new PeriodicExportingMetricReader({
        exporter: countingMetricExporter(),
        exportIntervalMillis: 5000,
      }),
    ],
  });
  app.use(llmeterMiddleware());
  app.use('/v1/chat/completions', llmeterServing());
}
app.use(express.json());

const chunk = (delta, finish = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const TOKEN = chunk({ content: ' tok' });

// What a model server or gateway does: one write per chunk.
app.post('/v1/chat/completions', (req, res) => {
  const n = Number(req.get('x-chunks'));
  res.setHeader('content-type', 'text/event-stream');
  res.write(chunk({ role: 'assistant', content: '' }));
  for (let i = 0; i < n; i++) res.write(TOKEN);
  res.write(chunk({}, 'stop'));
  res.end('data: [DONE]\n\n');
});

const server = app.listen(0, '127.0.0.1', () => {
  process.send({ port: server.address().port });
});
process.on('message', async (m) => {
  if (m === 'cpu') {
    const c = process.cpuUsage();
    process.send({ cpuUs: c.user + c.system });
  } else if (m === 'stop') {
    await llmeter?.shutdown();
    server.close(() => process.exit(0));
  }
});
