// One setup measurement (see setup.mjs): in a fresh process, load openai and
// an instrumentation the way a service does (ESM import or CJS require), make
// an instrumented client, print the CPU spent and the time since the process
// started, exit.
import { createRequire } from 'node:module';

const [variant, pkg, mode] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const load = mode === 'esm' ? (name) => import(name) : async (name) => require(name);

const SETUPS = {
  async baseline() {
    const { OpenAI } = await load(pkg);
    return new OpenAI({ apiKey: 'sk-bench' });
  },
  /** init() as a Kubernetes pod gets it: traces OTLP/gRPC, metrics OTLP/HTTP delta, /metrics on its port. */
  async llmeter() {
    const { init } = await load('@llmeter/core');
    const { instrumentOpenAI } = await load('@llmeter/openai');
    init({ serviceName: 'bench', metricsPort: 0, internalLogLevel: 'error' });
    const { OpenAI } = await load(pkg);
    return instrumentOpenAI(new OpenAI({ apiKey: 'sk-bench' }));
  },
  /** As variants.cjs sets it up, with its own exporters loaded (the OTLP ones a service would use). */
  async otel() {
    const { context, metrics, trace } = require('@opentelemetry/api');
    const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
    const { BatchSpanProcessor, TracerProvider } = require('@opentelemetry/sdk-trace');
    const { MeterProvider, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');
    const { registerInstrumentations } = require('@opentelemetry/instrumentation');
    const { OpenAIInstrumentation } = require('@opentelemetry/instrumentation-openai');
    const { countingMetricExporter, countingSpanExporter } = require('./exporters.cjs');
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const tracerProvider = new TracerProvider({
      spanProcessors: [new BatchSpanProcessor({ exporter: countingSpanExporter() })],
    });
    trace.setGlobalTracerProvider(tracerProvider);
    const meterProvider = new MeterProvider({
      readers: [new PeriodicExportingMetricReader({ exporter: countingMetricExporter() })],
    });
    metrics.setGlobalMeterProvider(meterProvider);
    registerInstrumentations({
      instrumentations: [new OpenAIInstrumentation()],
      tracerProvider,
      meterProvider,
    });
    const { OpenAI } = require(pkg);
    return new OpenAI({ apiKey: 'sk-bench' });
  },
  async traceloop() {
    const traceloop = require('@traceloop/node-server-sdk');
    const { countingSpanExporter } = require('./exporters.cjs');
    const openai = require(pkg);
    traceloop.initialize({
      appName: 'bench',
      apiKey: 'bench',
      baseUrl: 'http://127.0.0.1:9',
      exporter: countingSpanExporter(),
      disableBatch: false,
      silenceInitializationMessage: true,
      instrumentModules: { openAI: openai.OpenAI },
    });
    return new openai.OpenAI({ apiKey: 'sk-bench' });
  },
};

await SETUPS[variant]();
const cpu = process.cpuUsage();
process.stdout.write(
  `${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, readyMs: performance.now() })}\n`,
);
process.exit(0);
