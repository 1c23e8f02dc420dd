import {
  AggregationTemporality,
  type AggregationTemporalitySelector,
  InstrumentType,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { ResolvedConfig } from '../config';
import type { Temporality } from '../types';
import { deferredExporter } from './deferred-exporter';

/**
 * The instrument types that the OTLP metric exporter exports as delta under
 * each `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`, the others being
 * cumulative (its Delta, Cumulative and LowMemory selectors in
 * @opentelemetry/exporter-metrics-otlp-http). Kept here so that the periodic
 * reader is built without loading the exporter (see deferred-exporter.ts);
 * otlp-metric-exporter.test.ts compares them with the exporter's own.
 */
const DELTA_TYPES: Record<Temporality, ReadonlySet<InstrumentType>> = {
  cumulative: new Set(),
  delta: new Set([
    InstrumentType.COUNTER,
    InstrumentType.OBSERVABLE_COUNTER,
    InstrumentType.GAUGE,
    InstrumentType.HISTOGRAM,
    InstrumentType.OBSERVABLE_GAUGE,
  ]),
  lowmemory: new Set([InstrumentType.COUNTER, InstrumentType.HISTOGRAM]),
};

function otlpTemporalitySelector(preference: Temporality): AggregationTemporalitySelector {
  const delta = DELTA_TYPES[preference];
  return (type) =>
    delta.has(type) ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
}

/**
 * OTLP/HTTP protobuf, loaded at the first export (see deferred-exporter.ts). The
 * reader takes its temporality from here at construction, so it is the
 * exporter's own selection, reproduced (DELTA_TYPES); the aggregation is
 * the default, as the exporter's.
 */
export function otlpMetricExporter(config: ResolvedConfig): PushMetricExporter {
  const exporter = deferredExporter<ResourceMetrics>('metrics', async () => {
    const [{ AggregationTemporalityPreference: preference }, { OTLPMetricExporter }] =
      await Promise.all([
        import('@opentelemetry/exporter-metrics-otlp-http'),
        import('@opentelemetry/exporter-metrics-otlp-proto'),
      ]);
    return new OTLPMetricExporter({
      url: config.otlpMetricsEndpoint,
      headers: config.otlpMetricsHeaders,
      timeoutMillis: config.otlpMetricsTimeoutMs,
      temporalityPreference: {
        delta: preference.DELTA,
        cumulative: preference.CUMULATIVE,
        lowmemory: preference.LOWMEMORY,
      }[config.metricsTemporality],
    });
  });
  return {
    ...exporter,
    selectAggregationTemporality: otlpTemporalitySelector(config.metricsTemporality),
  };
}
