import type { Attributes } from '@opentelemetry/api';
import type { RegistryContentType } from 'prom-client';
import { ATTR } from '../constants';
import { Registry } from '../prometheus/prom-client';
import {
  type InstrumentDefinition,
  type InstrumentKey,
  prometheusLabel,
  prometheusName,
} from './definitions';
import { OtelStream } from './otel-stream';
import { SeriesCounter, SeriesGauge, SeriesHistogram } from './prom-series';
import { OVERFLOW_ATTRIBUTES, SeriesCap } from './series-limit';

/** Every metric may get the one overflow series (see series-limit.ts). */
const OVERFLOW_LABEL = prometheusLabel(ATTR.METRIC_OVERFLOW);

export interface Exemplar {
  trace_id: string;
  span_id: string;
}

type PromMetric = SeriesHistogram | SeriesCounter | SeriesGauge;

/**
 * llmeter's one metric aggregation (prom-series.ts), seen two ways:
 * - `/metrics`: cumulative series with the exact names the collector's
 *   Prometheus translation gives the OTLP ones, in prom-client registries, so
 *   an application's registry renders them like its own;
 * - the OTel readers: `streams`, one per OTel instrument, collected by
 *   otel-view.ts (`otelReaders` is how many readers each series keeps an
 *   interval for; 0 when there is none, or when an application's own
 *   meterProvider gets the measurements through OtelSink instead).
 */
export class PromSink {
  private readonly metrics = new Map<InstrumentKey, PromMetric>();
  /** The OTel instruments' data, in definition order (the order the SDK exported them in). */
  readonly streams: OtelStream[] = [];

  /**
   * `registry` must be an OpenMetrics registry (prom-client allows exemplars
   * only there). `extraRegistries` (an application's own) get the same metric
   * objects through registerMetric, which skips that check: they render them
   * in their own format, without exemplars when that is Prometheus text.
   */
  constructor(
    registry: Registry,
    extraRegistries: Registry[],
    definitions: Partial<Record<InstrumentKey, InstrumentDefinition>>,
    otelReaders = 0,
    /** The series cap of every metric but llmeter's own counters (see series-limit.ts). */
    cap?: { limit: number; onOverflow(metricName: string): void },
  ) {
    const registries = [registry, ...extraRegistries];
    for (const [key, def] of Object.entries(definitions) as [
      InstrumentKey,
      InstrumentDefinition,
    ][]) {
      const name = prometheusName(def);
      const help = `${def.description} (unit: ${def.unit})`;
      const labelNames = [...def.attributes.map(prometheusLabel), OVERFLOW_LABEL];
      // A `gauge` definition is /metrics-only (an up-down counter is a gauge there too).
      const otel =
        otelReaders > 0 && def.kind !== 'gauge' ? new OtelStream(def, otelReaders) : undefined;
      if (otel) this.streams.push(otel);
      const seriesCap =
        cap && def.selfTelemetry !== true
          ? new SeriesCap(cap.limit, () => cap.onOverflow(def.name))
          : undefined;
      let metric: PromMetric;
      if (def.kind === 'histogram') {
        const buckets = [...(def.buckets ?? [])];
        const exemplars = def.exemplars === true && def.bulk !== true;
        metric = new SeriesHistogram(
          name,
          help,
          labelNames,
          buckets,
          exemplars,
          registries,
          otel,
          seriesCap,
        );
      } else if (def.kind === 'counter') {
        metric = new SeriesCounter(name, help, labelNames, registries, otel, seriesCap);
      } else {
        metric = new SeriesGauge(name, help, labelNames, registries, otel, seriesCap);
      }
      this.metrics.set(key, metric);
    }
  }

  /**
   * Many observations of one label set (per-chunk timings): the series is found
   * once. Returns the attributes they were recorded under (the overflow set past the cap).
   */
  recordMany(
    key: InstrumentKey,
    values: readonly number[],
    attributes: Attributes,
  ): Attributes | undefined {
    const metric = this.metrics.get(key);
    if (!metric) return undefined;
    // Frozen sets are the recorder's shared ones: their series are found by identity.
    const stable = Object.isFrozen(attributes);
    if (metric instanceof SeriesHistogram) {
      const overflowed = metric.observeMany(attributes, values, stable);
      return overflowed ? OVERFLOW_ATTRIBUTES : attributes;
    }
    let recorded: Attributes | undefined;
    for (const value of values) recorded = this.record(key, value, attributes);
    return recorded;
  }

  /** One observation; returns the attributes it was recorded under (the overflow set past the cap). */
  record(
    key: InstrumentKey,
    value: number,
    attributes: Attributes,
    exemplar?: Exemplar,
  ): Attributes | undefined {
    const metric = this.metrics.get(key);
    if (!metric) return undefined;
    const stable = Object.isFrozen(attributes);
    const overflowed =
      metric instanceof SeriesHistogram
        ? metric.observe(attributes, value, exemplar, stable)
        : metric.inc(attributes, value, stable);
    return overflowed ? OVERFLOW_ATTRIBUTES : attributes;
  }
}

/** A registry prom-client accepts exemplar-carrying metrics in (rendering is ours: exposition.ts). */
export function createOpenMetricsRegistry(): Registry {
  const registry = new Registry<RegistryContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  return registry as unknown as Registry;
}
