// How each variant instruments the OpenAI client. Every variant gets the same
// client options and the same workload; telemetry goes to counting exporters.
'use strict';

const { countingMetricExporter, countingSpanExporter } = require('./exporters.cjs');

/** Metric export cadence for every variant that exports metrics (the SDK default is 60 s). */
const METRIC_INTERVAL_MS = 5000;

function clientFactory(OpenAI) {
  return () =>
    new OpenAI({
      apiKey: 'sk-bench',
      baseURL: process.env.MOCK_URL,
      maxRetries: 0,
      timeout: 30_000,
    });
}

/**
 * llmeter with the sinks named on: `spans` through a batch processor (off:
 * sampled out, so no span is recorded), `otelMetrics` through a periodic
 * reader, the `logLine`; the `/metrics` series are always on.
 */
function llmeterVariant(
  pkg,
  { spans: withSpans = true, otelMetrics = true, logLine = false } = {},
) {
  const { AlwaysOffSampler, BatchSpanProcessor } = require('@opentelemetry/sdk-trace');
  const { PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
  const { init } = require('@llmeter/core');
  const { renderMetrics } = require('@llmeter/core/internal');
  const { instrumentOpenAI } = require('@llmeter/openai');
  const spans = countingSpanExporter();
  const metrics = countingMetricExporter();
  const llmeter = init({
    serviceName: 'bench',
    tracesExporter: ['none'],
    metricsExporter: ['prometheus'],
    handleSignals: false,
    internalLogLevel: 'error',
    logger: logLine ? undefined : false,
    sampler: withSpans ? undefined : new AlwaysOffSampler(),
    spanProcessors: withSpans ? [new BatchSpanProcessor({ exporter: spans })] : [],
    metricReaders: otelMetrics
      ? [
          new PeriodicExportingMetricReader({
            exporter: metrics,
            exportIntervalMillis: METRIC_INTERVAL_MS,
          }),
        ]
      : [],
  });
  const { OpenAI } = require(pkg);
  const make = clientFactory(OpenAI);
  return {
    makeClient: () => instrumentOpenAI(make()),
    settle: () => llmeter.forceFlush(),
    async telemetry() {
      await this.settle();
      const text = await renderMetrics([llmeter.promRegistry], false);
      const count = /^gen_ai_client_operation_duration_seconds_count\{[^}]*\} (\d+)/gm;
      let durations = 0;
      for (const m of text.matchAll(count)) durations += Number(m[1]);
      return { spans: spans.exported, metricExports: metrics.exported, promDurations: durations };
    },
    shutdown: () => llmeter.shutdown(),
  };
}

const VARIANTS = {
  /** The openai client with no instrumentation at all. */
  baseline(pkg) {
    const { OpenAI } = require(pkg);
    return {
      makeClient: clientFactory(OpenAI),
      telemetry: async () => ({}),
      shutdown: async () => {},
    };
  },

  /**
   * llmeter with the sinks the budget is set for: spans through a batch
   * processor, OTel metrics with a periodic reader (OTLP's path, exporter
   * replaced), prom-client series for /metrics. No log line.
   */
  llmeter(pkg) {
    return llmeterVariant(pkg);
  },

  /** llmeter as init() starts it by default: the above plus the llm_call_completed log line (stdout → /dev/null here). */
  'llmeter+log'(pkg) {
    return llmeterVariant(pkg, { logLine: true });
  },

  // The layers of layers.mjs: each turns on one more piece of llmeter.

  /** `init()` alone: context manager, tracer provider, recorder; no adapter, so no call is seen. */
  'layer:init'(pkg) {
    const { init } = require('@llmeter/core');
    const llmeter = init({
      serviceName: 'bench',
      tracesExporter: ['none'],
      metricsExporter: ['none'],
      handleSignals: false,
      internalLogLevel: 'error',
      logger: false,
    });
    const { OpenAI } = require(pkg);
    return {
      makeClient: clientFactory(OpenAI),
      telemetry: async () => ({}),
      shutdown: () => llmeter.shutdown(),
    };
  },

  /** `instrumentOpenAI` with no `init()`: the wrapper over a no-op recorder. */
  'layer:adapter'(pkg) {
    const { OpenAI } = require(pkg);
    const { instrumentOpenAI } = require('@llmeter/openai');
    const make = clientFactory(OpenAI);
    return {
      makeClient: () => instrumentOpenAI(make()),
      telemetry: async () => ({}),
      shutdown: async () => {},
    };
  },

  /** `init()` + adapter, `/metrics` only: spans sampled out, no OTel metric reader, no log line. */
  'layer:prom'(pkg) {
    return llmeterVariant(pkg, { spans: false, otelMetrics: false });
  },

  /** The above + spans through a batch processor. */
  'layer:spans'(pkg) {
    return llmeterVariant(pkg, { otelMetrics: false });
  },

  /** @opentelemetry/instrumentation-openai (opentelemetry-js-contrib): spans and its GenAI metrics. */
  otel(pkg) {
    const { context, metrics: metricsApi, trace } = require('@opentelemetry/api');
    const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
    const { BatchSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace');
    const { MeterProvider, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
    const { registerInstrumentations } = require('@opentelemetry/instrumentation');
    const { OpenAIInstrumentation } = require('@opentelemetry/instrumentation-openai');
    const spans = countingSpanExporter();
    const metrics = countingMetricExporter();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const tracerProvider = new TracerProvider({
      spanProcessors: [new BatchSpanProcessor({ exporter: spans })],
    });
    trace.setGlobalTracerProvider(tracerProvider);
    const meterProvider = new MeterProvider({
      readers: [
        new PeriodicExportingMetricReader({
          exporter: metrics,
          exportIntervalMillis: METRIC_INTERVAL_MS,
        }),
      ],
    });
    metricsApi.setGlobalMeterProvider(meterProvider);
    registerInstrumentations({
      instrumentations: [new OpenAIInstrumentation()],
      tracerProvider,
      meterProvider,
    });
    // Loaded after registration: the instrumentation patches it through require hooks.
    const { OpenAI } = require(pkg);
    return {
      makeClient: clientFactory(OpenAI),
      settle: () => tracerProvider.forceFlush(),
      async telemetry() {
        await this.settle();
        await meterProvider.forceFlush();
        return { spans: spans.exported, metricExports: metrics.exported };
      },
      shutdown: async () => {
        await tracerProvider.shutdown();
        await meterProvider.shutdown();
      },
    };
  },

  /** @traceloop/node-server-sdk (OpenLLMetry), its defaults, the OpenAI module instrumented explicitly. */
  traceloop(pkg) {
    const traceloop = require('@traceloop/node-server-sdk');
    const openai = require(pkg);
    const spans = countingSpanExporter();
    traceloop.initialize({
      appName: 'bench',
      apiKey: 'bench',
      baseUrl: 'http://127.0.0.1:9',
      exporter: spans,
      disableBatch: false,
      silenceInitializationMessage: true,
      instrumentModules: { openAI: openai.OpenAI },
    });
    return {
      makeClient: clientFactory(openai.OpenAI),
      settle: async () => traceloop.forceFlush?.(),
      async telemetry() {
        await this.settle();
        return { spans: spans.exported };
      },
      shutdown: async () => {},
    };
  },
};

module.exports = { VARIANTS };
