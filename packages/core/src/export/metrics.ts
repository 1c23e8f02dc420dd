import type { Meter } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import {
  type CollectionResult,
  ConsoleMetricExporter,
  MeterProvider,
  type MetricCollectOptions,
  type MetricData,
  MetricReader,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import type { ResolvedConfig } from '../config';
import { INSTRUMENTATION_SCOPE } from '../constants';
import type { OtelStream } from '../metrics/otel-stream';
import { ReaderView } from '../metrics/otel-view';
import { LLMETER_VERSION } from '../resource';
import type { LLMeterOptions } from '../types';
import { otlpMetricExporter } from './otlp-metric-exporter';
import { countingMetricExporter, type SelfTelemetry } from './self-telemetry';

export interface MetricPipeline {
  /** llmeter's OTel meter (GPU gauges, an adapter's own instruments); undefined with no OTel reader. */
  meter: Meter | undefined;
  /**
   * How many readers take llmeter's metrics from core's aggregation (see
   * otel-view.ts). 0 with an application's own `meterProvider`: the
   * measurements then go through its instruments (`viaInstruments`).
   */
  readers: number;
  viaInstruments: boolean;
  /** Hands core's aggregation to the readers; once, when it is built. */
  connect(streams: readonly OtelStream[]): void;
  forceFlush(): Promise<unknown>;
  shutdown(): Promise<unknown>;
}

/**
 * Stands in for a reader inside llmeter's MeterProvider, with the reader's own
 * choices: it collects what goes through the meter (the GPU gauges), and the
 * reader gets that plus core's aggregation (see `connect`).
 */
class RelayReader extends MetricReader {
  constructor(target: MetricReader) {
    super({
      aggregationSelector: (type) => target.selectAggregation(type),
      aggregationTemporalitySelector: (type) => target.selectAggregationTemporality(type),
      // An application's reader from another sdk-metrics version may not have it (2,000 is the SDK's default).
      cardinalitySelector: (type) => target.selectCardinalityLimit?.(type) ?? 2000,
    });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/**
 * llmeter's metric readers (never a global meter provider: the application's
 * metrics and ours stay apart), exporting OTLP/HTTP protobuf with delta
 * temporality by default.
 *
 * Why readers are bound to a producer of llmeter's and not to the
 * MeterProvider: recording seven measurements per LLM call through the SDK's
 * instruments (attribute hashing, a map per reader) cost about 10 µs per call
 * and 1.1 µs per streamed chunk; core already aggregates every series for
 * /metrics, so each reader now collects that aggregation (otel-view.ts) and a
 * MeterProvider is kept only for what goes through the meter.
 */
export function setUpMetrics(
  options: LLMeterOptions,
  config: ResolvedConfig,
  resource: Resource,
  self: SelfTelemetry,
): MetricPipeline {
  if (options.meterProvider) {
    return {
      meter: options.meterProvider.getMeter(INSTRUMENTATION_SCOPE, LLMETER_VERSION),
      readers: 0,
      viaInstruments: true,
      connect() {},
      forceFlush: async () => {},
      shutdown: async () => {},
    };
  }
  const readers = buildReaders(options, config, self);
  if (readers.length === 0) {
    return {
      meter: undefined,
      readers: 0,
      viaInstruments: false,
      connect() {},
      forceFlush: async () => {},
      shutdown: async () => {},
    };
  }
  const relays = readers.map((reader) => new RelayReader(reader));
  const provider = new MeterProvider({ resource, readers: relays });
  return {
    meter: provider.getMeter(INSTRUMENTATION_SCOPE, LLMETER_VERSION),
    readers: readers.length,
    viaInstruments: false,
    connect(streams) {
      readers.forEach((reader, index) => {
        const view = new ReaderView(streams, index, reader);
        const relay = relays[index]!;
        reader.setMetricProducer({
          async collect(collectOptions?: MetricCollectOptions) {
            return withOwnMetrics(await relay.collect(collectOptions), view.collect());
          },
        });
      });
    },
    forceFlush: () => Promise.allSettled(readers.map((reader) => reader.forceFlush())),
    async shutdown() {
      // The readers' last export collects through the relays: shut those down after.
      await Promise.allSettled(readers.map((reader) => reader.shutdown()));
      await provider.shutdown();
    },
  };
}

function buildReaders(
  options: LLMeterOptions,
  config: ResolvedConfig,
  self: SelfTelemetry,
): MetricReader[] {
  const interval = config.metricExportIntervalMs;
  const readers: MetricReader[] = [];
  if (config.metricsExporter.includes('otlp')) {
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: countingMetricExporter(otlpMetricExporter(config), self),
        exportIntervalMillis: interval,
        exportTimeoutMillis: Math.min(config.otlpMetricsTimeoutMs, interval),
      }),
    );
  }
  if (config.metricsExporter.includes('console')) {
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new ConsoleMetricExporter(),
        exportIntervalMillis: interval,
        exportTimeoutMillis: interval,
      }),
    );
  }
  readers.push(...(options.metricReaders ?? []));
  return readers;
}

/**
 * The meter's collection with llmeter's own metrics first in llmeter's scope,
 * as when they were the meter's first instruments.
 */
function withOwnMetrics(result: CollectionResult, own: MetricData[]): CollectionResult {
  if (own.length === 0) return result;
  const scopes = result.resourceMetrics.scopeMetrics;
  const scope = scopes.find(
    (s) => s.scope.name === INSTRUMENTATION_SCOPE && s.scope.version === LLMETER_VERSION,
  );
  if (scope) scope.metrics = [...own, ...scope.metrics];
  else {
    scopes.unshift({
      scope: { name: INSTRUMENTATION_SCOPE, version: LLMETER_VERSION, schemaUrl: undefined },
      metrics: own,
    });
  }
  return result;
}
