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
      let metric: PromMetric;
      if (def.kind === 'histogram') {
        const buckets = [...(def.buckets ?? [])];
        const exemplars = def.exemplars === true && def.bulk !== true;
        metric = new SeriesHistogram(name, help, labelNames, buckets, exemplars, registries, otel);
      } else if (def.kind === 'counter') {
        metric = new SeriesCounter(name, help, labelNames, registries, otel);
      } else {
        metric = new SeriesGauge(name, help, labelNames, registries, otel);
      }
      this.metrics.set(key, metric);
    }
  }

  /** Many observations of one label set (per-chunk timings): the series is found once. */
  recordMany(key: InstrumentKey, values: readonly number[], attributes: Attributes): void {
    const metric = this.metrics.get(key);
    if (!metric) return;
    const stable = Object.isFrozen(attributes);
    if (metric instanceof SeriesHistogram) {
      metric.observeMany(toLabels(attributes, stable), values, stable, attributes);
      return;
    }
    for (const value of values) this.record(key, value, attributes);
  }

  record(key: InstrumentKey, value: number, attributes: Attributes, exemplar?: Exemplar): void {
    const metric = this.metrics.get(key);
    if (!metric) return;
    // Frozen sets are the recorder's shared ones: their labels and series are found by identity.
    const stable = Object.isFrozen(attributes);
    const labels = toLabels(attributes, stable);
    if (metric instanceof SeriesHistogram)
      metric.observe(labels, value, exemplar, stable, attributes);
    else metric.inc(labels, value, stable, attributes);
  }
}

/**
 * Labels of the frozen attribute sets the recorder reuses (recorder/series-attributes.ts),
 * by identity: renaming every key on every record was a visible part of a call's cost.
 * A frozen set cannot change, so its labels cannot go stale; other objects are converted each time.
 */
const labelsOfFrozen = new WeakMap<Attributes, Record<string, string | number>>();

function toLabels(attributes: Attributes, frozen: boolean): Record<string, string | number> {
  if (!frozen) return buildLabels(attributes);
  let labels = labelsOfFrozen.get(attributes);
  if (labels === undefined) {
    labels = buildLabels(attributes);
    labelsOfFrozen.set(attributes, labels);
  }
  return labels;
}

function buildLabels(attributes: Attributes): Record<string, string | number> {
  const labels: Record<string, string | number> = {};
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined || value === null) continue;
    labels[prometheusLabel(key)] = typeof value === 'number' ? value : String(value);
  }
  return labels;
}

/** A registry prom-client accepts exemplar-carrying metrics in (rendering is ours: exposition.ts). */
export function createOpenMetricsRegistry(): Registry {
  const registry = new Registry<RegistryContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  return registry as unknown as Registry;
}
