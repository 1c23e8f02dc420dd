import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { emptyResource } from '@opentelemetry/resources';
import {
  InstrumentType,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config';
import { otlpMetricExporter } from '../src/export/otlp-metric-exporter';
import { countingMetricExporter, SelfTelemetry } from '../src/export/self-telemetry';

const PREFERENCES = {
  delta: AggregationTemporalityPreference.DELTA,
  cumulative: AggregationTemporalityPreference.CUMULATIVE,
  lowmemory: AggregationTemporalityPreference.LOWMEMORY,
} as const;

/** What a periodic reader selects, instrument type by instrument type. */
function selections(exporter: PushMetricExporter) {
  const reader = new PeriodicExportingMetricReader({ exporter });
  return Object.values(InstrumentType).map((type) => ({
    type,
    temporality: reader.selectAggregationTemporality(type),
    aggregation: reader.selectAggregation(type),
  }));
}

describe('the deferred OTLP metric exporter', () => {
  for (const [name, preference] of Object.entries(PREFERENCES)) {
    it(`gives the reader the OTLP exporter's own selections for ${name}, for every instrument type`, async () => {
      const config = resolveConfig({}, { OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: name });
      const real = new OTLPMetricExporter({ temporalityPreference: preference });
      const ours = otlpMetricExporter(config);
      expect(selections(countingMetricExporter(ours, new SelfTelemetry()))).toEqual(
        selections(real),
      );
      await Promise.all([real.shutdown(), ours.shutdown()]);
    });
  }

  it('exports through the exporter it loads, and a failed export is counted', async () => {
    const config = resolveConfig(
      { otlpTimeoutMs: 1000 },
      { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://127.0.0.1:9/v1/metrics' },
    );
    const self = new SelfTelemetry();
    const results: Array<[string, ExportResultCode]> = [];
    self.exported = (signal, result) => results.push([signal, result.code]);
    const exporter = countingMetricExporter(otlpMetricExporter(config), self);
    const nothing: ResourceMetrics = { resource: emptyResource(), scopeMetrics: [] };
    const result = await new Promise<ExportResult>((done) => exporter.export(nothing, done));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(results).toEqual([['metrics', ExportResultCode.FAILED]]);
    await exporter.shutdown();
  });
});
