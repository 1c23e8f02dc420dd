import type { Meter } from '@opentelemetry/api';
import { AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import type { Resource } from '@opentelemetry/resources';
import {
  ConsoleMetricExporter,
  MeterProvider,
  type MetricReader,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import type { ResolvedConfig } from '../config';
import { INSTRUMENTATION_SCOPE } from '../constants';
import { LLMETER_VERSION } from '../resource';
import type { LLMeterOptions, Temporality } from '../types';
import { countingMetricExporter, type SelfTelemetry } from './self-telemetry';

export interface MetricPipeline {
  /** Undefined when no OTel reader is configured: the OTel sink is then skipped entirely. */
  meter: Meter | undefined;
  provider: MeterProvider | undefined;
}

const TEMPORALITY: Record<Temporality, AggregationTemporalityPreference> = {
  delta: AggregationTemporalityPreference.DELTA,
  cumulative: AggregationTemporalityPreference.CUMULATIVE,
  lowmemory: AggregationTemporalityPreference.LOWMEMORY,
};

/**
 * llmeter's own meter provider (never registered as the global: the
 * application's metrics and ours stay apart), exporting OTLP/HTTP protobuf with
 * delta temporality by default.
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
      provider: undefined,
    };
  }
  const interval = config.metricExportIntervalMs;
  const readers: MetricReader[] = [];
  if (config.metricsExporter.includes('otlp')) {
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: countingMetricExporter(
          new OTLPMetricExporter({
            url: config.otlpMetricsEndpoint,
            headers: config.otlpMetricsHeaders,
            timeoutMillis: config.otlpMetricsTimeoutMs,
            temporalityPreference: TEMPORALITY[config.metricsTemporality],
          }),
          self,
        ),
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
  if (readers.length === 0) return { meter: undefined, provider: undefined };
  const provider = new MeterProvider({ resource, readers });
  return { meter: provider.getMeter(INSTRUMENTATION_SCOPE, LLMETER_VERSION), provider };
}
