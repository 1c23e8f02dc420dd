import { init, type LLMeter, type LLMeterOptions } from '@llmeter/core';
import {
  AggregationTemporality,
  type DataPoint,
  type MetricData,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace';

/** A metric reader that collects on demand, with the temporality llmeter exports by default. */
class OnDemandMetricReader extends MetricReader {
  constructor(temporality: AggregationTemporality) {
    super({ aggregationTemporalitySelector: () => temporality });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface InMemoryLLMeter {
  llmeter: LLMeter;
  /** Finished spans so far. */
  spans(): ReadableSpan[];
  /** Collects the OTel metrics now (DELTA by default: each call returns what happened since the last). */
  collectMetrics(): Promise<ResourceMetrics>;
  /** Finds one instrument's data in a collection. */
  metric(collected: ResourceMetrics, name: string): MetricData | undefined;
  /** The /metrics text (Prometheus format, or OpenMetrics with exemplars). */
  metricsText(openMetrics?: boolean): Promise<string>;
  reset(): void;
  shutdown(): Promise<void>;
}

/**
 * init() wired to in-memory span and metric exporters, with no network export
 * and no signal handlers: for tests of llmeter itself and of users' own
 * instrumentation.
 */
export function setupInMemory(
  options: LLMeterOptions & { temporality?: 'delta' | 'cumulative' } = {},
): InMemoryLLMeter {
  const { temporality, ...rest } = options;
  const spanExporter = new InMemorySpanExporter();
  const reader = new OnDemandMetricReader(
    temporality === 'cumulative' ? AggregationTemporality.CUMULATIVE : AggregationTemporality.DELTA,
  );
  const llmeter = init({
    serviceName: 'llmeter-test',
    tracesExporter: ['none'],
    metricsExporter: ['prometheus'],
    handleSignals: false,
    logger: false,
    ...rest,
    spanProcessors: [
      new SimpleSpanProcessor({ exporter: spanExporter }),
      ...(rest.spanProcessors ?? []),
    ],
    metricReaders: [reader, ...(rest.metricReaders ?? [])],
  });
  return {
    llmeter,
    spans: () => spanExporter.getFinishedSpans(),
    async collectMetrics() {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics;
    },
    metric(collected, name) {
      for (const scope of collected.scopeMetrics) {
        const found = scope.metrics.find((m) => m.descriptor.name === name);
        if (found) return found;
      }
      return undefined;
    },
    async metricsText(openMetrics = false) {
      const { renderMetrics } = await import('@llmeter/core/internal');
      return renderMetrics([llmeter.promRegistry], openMetrics);
    },
    reset: () => spanExporter.reset(),
    shutdown: () => llmeter.shutdown(),
  };
}

export type { DataPoint, MetricData, ReadableSpan, ResourceMetrics };
