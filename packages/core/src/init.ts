import type { Server } from 'node:http';
import type { Meter, Tracer } from '@opentelemetry/api';
import { trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';
import { type ResolvedConfig, resolveConfig } from './config';
import { ContentPolicy } from './content';
import { PriceBook } from './cost/price-book';
import { setUpMetrics } from './export/metrics';
import { SelfTelemetry } from './export/self-telemetry';
import { setUpTraces } from './export/traces';
import { enableInstrumentations } from './instrumentations';
import { internalLog, reportInternalError, setInternalLogLevel, warnOnce } from './internal-log';
import { bounded, installExitFlush, installSignalHandlers } from './lifecycle';
import { boundedStdout, createLogger } from './logger';
import { instrumentsFor } from './metrics/definitions';
import { MetricSet } from './metrics/metric-set';
import { OtelSink } from './metrics/otel-sink';
import { createOpenMetricsRegistry, PromSink } from './metrics/prom-sink';
import { warnIfUnsupportedNode } from './node-support';
import { OperationLog } from './operation-log';
import { renderMetrics } from './prometheus/exposition';
import { registerGpuInfo } from './prometheus/gpu-info';
import {
  createMetricsHandler,
  type MetricsHandlerOptions,
  type MetricsRequestHandler,
} from './prometheus/handler';
import { collectProcessMetrics, loadPushgateway, Registry } from './prometheus/prom-client';
import { startMetricsServer } from './prometheus/server';
import { NOOP_RECORDER, Recorder } from './recorder/recorder';
import { buildResource, visibleGpuUuids } from './resource';
import { setSecretPatterns } from './secrets';
import type { LLMeterOptions } from './types';

/** What init() returns. */
export interface LLMeter {
  /** False when disabled (OTEL_SDK_DISABLED=true): everything below is then a cheap no-op. */
  readonly enabled: boolean;
  readonly config: Readonly<ResolvedConfig>;
  /** Describe LLM, tool, agent and workflow operations; record guardrails, evaluations, outcomes. */
  readonly recorder: Recorder;
  /** pino with trace_id/span_id on every line written inside a span. */
  readonly logger: Logger;
  readonly tracer: Tracer;
  /** llmeter's OTel meter (undefined when no OTel metrics reader is configured), for adapters' own instruments. */
  readonly meter: Meter | undefined;
  /** llmeter's prom-client registry (cumulative series for /metrics). */
  readonly promRegistry: Registry;
  /** The standalone /metrics listener, when LLMETER_METRICS_PORT / metricsPort is set. */
  readonly metricsServer: Server | undefined;
  /** A `(req, res)` handler serving /metrics for any Node HTTP server. */
  metricsHandler(options?: MetricsHandlerOptions): MetricsRequestHandler;
  /** Exports what is buffered now, within shutdownTimeoutMs. */
  forceFlush(): Promise<void>;
  /** Flushes and stops everything, within shutdownTimeoutMs. Idempotent. */
  shutdown(): Promise<void>;
}

/**
 * The running instance lives on globalThis, not in module scope: the ESM and
 * CommonJS builds (and the separately bundled register entry) may all be loaded
 * in one process, and must all see the same instance.
 */
const INSTANCE_KEY = Symbol.for('llmeter.instance');
const state = globalThis as typeof globalThis & { [INSTANCE_KEY]?: LLMeter };

/**
 * Starts llmeter: the one line. A second call returns the running instance
 * (with a warning); after shutdown() a new call starts afresh. Never throws:
 * on an internal failure it logs once and returns a disabled instance.
 */
export function init(options: LLMeterOptions = {}): LLMeter {
  const running = state[INSTANCE_KEY];
  if (running) {
    warnOnce('init:twice', 'init() called again: returning the running llmeter instance');
    // e.g. the register entry started llmeter from the environment, then the
    // application's own init() names its instrumentations: honour them.
    if (running.enabled) enableInstrumentations(options);
    return running;
  }
  let config: ResolvedConfig;
  try {
    config = resolveConfig(options ?? {});
    setInternalLogLevel(config.internalLogLevel);
    warnIfUnsupportedNode();
    const unusable = setSecretPatterns(config.secretPatterns);
    if (unusable.length > 0) {
      warnOnce('config:secretPatterns', 'ignoring secret patterns that are not usable', {
        count: unusable.length,
      });
    }
    state[INSTANCE_KEY] = config.disabled
      ? disabledInstance(config, options ?? {})
      : start(options ?? {}, config);
  } catch (error) {
    reportInternalError('init', error);
    state[INSTANCE_KEY] = disabledInstance(resolveConfig({ disabled: true }));
  }
  // After the instance is in place, so an instrumentation sees getLLMeter(). Disabled
  // means a cheap no-op: nothing is patched.
  if (state[INSTANCE_KEY].enabled) enableInstrumentations(options);
  return state[INSTANCE_KEY];
}

/** The running instance, if any. */
export function getLLMeter(): LLMeter | undefined {
  return state[INSTANCE_KEY];
}

/** The running recorder, or a no-op one before init() and when disabled. Adapters call this per operation. */
export function getRecorder(): Recorder {
  return state[INSTANCE_KEY]?.recorder ?? NOOP_RECORDER;
}

function start(options: LLMeterOptions, config: ResolvedConfig): LLMeter {
  const resource = buildResource(options);
  const self = new SelfTelemetry();
  const traces = setUpTraces(options, config, resource, self);
  const otelMetrics = setUpMetrics(options, config, resource, self);

  const promRegistry = createOpenMetricsRegistry();
  const appRegistries = options.promRegistry ? [options.promRegistry] : [];
  const definitions = instrumentsFor(config.semconv);
  // One aggregation for /metrics and llmeter's OTel readers; an application's own
  // meterProvider gets the measurements through its instruments instead (OtelSink).
  const aggregation = new PromSink(promRegistry, appRegistries, definitions, otelMetrics.readers, {
    limit: config.cardinalityLimit,
    onOverflow: (metricName) => self.metricOverflow(metricName),
  });
  otelMetrics.connect(aggregation.streams);
  const metrics = new MetricSet(
    otelMetrics.viaInstruments && otelMetrics.meter
      ? new OtelSink(otelMetrics.meter, definitions)
      : undefined,
    aggregation,
    new Set(Object.keys(definitions)),
  );
  self.attach(metrics);
  registerGpuInfo(visibleGpuUuids(), promRegistry, appRegistries, otelMetrics.meter);
  if (options.processMetrics) collectProcessMetrics(promRegistry);

  const stdout = options.logger
    ? undefined
    : boundedStdout(config.logBufferBytes, (lines) => self.logLinesDropped(lines));
  const logger = options.logger || createLogger({ level: options.logLevel ?? 'info' }, stdout);
  const content = new ContentPolicy(config.captureContent, options.redact, config.maxContentLength);
  const recorder = new Recorder({
    tracer: traces.tracer,
    metrics,
    prices: new PriceBook(options.prices, config.pricesFile),
    content,
    log: options.logger === false ? undefined : new OperationLog(logger, !options.logger),
    semconv: config.semconv,
    startAttributesUnread: traces.startAttributesUnread,
    ownSpans: traces.ownSpans,
  });

  const handler = (o: MetricsHandlerOptions = {}) =>
    createMetricsHandler(() => [promRegistry], { token: o.token ?? config.metricsToken });
  const metricsServer =
    config.metricsPort === undefined
      ? undefined
      : startMetricsServer(handler(), config.metricsPort, config.metricsHost);

  const flushAll = () =>
    Promise.allSettled([traces.provider?.forceFlush(), otelMetrics.forceFlush()]);

  let shutdownPromise: Promise<void> | undefined;
  let uninstallSignals: (() => void) | undefined;
  let uninstallExitFlush: (() => void) | undefined;
  const instance: LLMeter = {
    enabled: true,
    config,
    recorder,
    logger,
    tracer: traces.tracer,
    meter: otelMetrics.meter,
    promRegistry,
    metricsServer,
    metricsHandler: handler,
    forceFlush: () => bounded(flushAll(), config.shutdownTimeoutMs, 'forceFlush'),
    shutdown() {
      shutdownPromise ??= (async () => {
        uninstallSignals?.();
        uninstallExitFlush?.();
        if (state[INSTANCE_KEY] === instance) state[INSTANCE_KEY] = undefined;
        const work = Promise.allSettled([
          traces.provider?.shutdown(),
          otelMetrics.shutdown(),
          config.pushgatewayUrl ? push(config.pushgatewayUrl, promRegistry, resource) : undefined,
        ]);
        await bounded(work, config.shutdownTimeoutMs, 'shutdown');
        stdout?.close();
        metricsServer?.close();
        metricsServer?.closeAllConnections();
        traces.unregister();
      })();
      return shutdownPromise;
    },
  };
  if (options.handleSignals !== false)
    uninstallSignals = installSignalHandlers(() => instance.shutdown());
  if (options.flushOnExit !== false)
    uninstallExitFlush = installExitFlush(() => instance.shutdown(), config.shutdownTimeoutMs);
  internalLog('debug', 'llmeter started', {
    traces: traces.source,
    metricsExporter: config.metricsExporter,
    semconv: config.semconv,
  });
  return instance;
}

async function push(
  url: string,
  registry: Registry,
  resource: { attributes: Record<string, unknown> },
) {
  // The Pushgateway takes the Prometheus text format; render it ourselves (see exposition.ts).
  const textView = { metrics: () => renderMetrics([registry], false) } as unknown as Registry;
  const Pushgateway = await loadPushgateway();
  const gateway = new Pushgateway(url, { timeout: 5000 }, textView);
  const job = String(resource.attributes['service.name'] ?? 'llmeter');
  const instance = String(resource.attributes['service.instance.id'] ?? '');
  await gateway.pushAdd({ jobName: job, groupings: instance ? { instance } : {} });
}

/**
 * Telemetry off: no spans, metrics or llm_call_completed lines. The logger
 * still writes, because services log their own lines through it and switching
 * telemetry off must not silence the application.
 */
function disabledInstance(config: ResolvedConfig, options: LLMeterOptions = {}): LLMeter {
  const promRegistry = new Registry();
  const instance: LLMeter = {
    enabled: false,
    config,
    recorder: NOOP_RECORDER,
    logger:
      options.logger ||
      (options.logger === false
        ? pino({ enabled: false })
        : createLogger({ level: options.logLevel ?? 'info' })),
    tracer: trace.getTracer('@llmeter/core'),
    meter: undefined,
    promRegistry,
    metricsServer: undefined,
    metricsHandler: () => createMetricsHandler(() => [promRegistry]),
    forceFlush: async () => {},
    shutdown: async () => {
      if (state[INSTANCE_KEY] === instance) state[INSTANCE_KEY] = undefined;
    },
  };
  return instance;
}
