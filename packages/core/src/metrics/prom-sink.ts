import type { Attributes } from '@opentelemetry/api';
import { Counter, Gauge, Histogram, Registry, type RegistryContentType } from 'prom-client';
import { ATTR } from '../constants';
import { BulkHistogram } from './bulk-histogram';
import { type InstrumentDefinition, prometheusLabel, prometheusName } from './definitions';

/** Every metric may get the one overflow series (see series-limit.ts). */
const OVERFLOW_LABEL = prometheusLabel(ATTR.METRIC_OVERFLOW);

export interface Exemplar {
  trace_id: string;
  span_id: string;
}

interface PromEntry {
  kind: InstrumentDefinition['kind'];
  metric: Histogram | Counter | Gauge | BulkHistogram;
  exemplars: boolean;
}

/**
 * The same instruments as prom-client metrics (cumulative, for /metrics), with
 * the exact names the collector's Prometheus translation gives the OTLP ones.
 */
export class PromSink {
  private readonly metrics = new Map<string, PromEntry>();

  /**
   * `registry` must be an OpenMetrics registry (prom-client allows exemplars
   * only there). `extraRegistries` (an application's own) get the same metric
   * objects through registerMetric, which skips that check: they render them
   * in their own format, without exemplars when that is Prometheus text.
   */
  constructor(
    registry: Registry,
    extraRegistries: Registry[],
    definitions: Record<string, InstrumentDefinition>,
  ) {
    for (const [key, def] of Object.entries(definitions)) {
      const common = {
        name: prometheusName(def),
        help: `${def.description} (unit: ${def.unit})`,
        labelNames: [...def.attributes.map(prometheusLabel), OVERFLOW_LABEL],
        registers: [registry],
      };
      let metric: Histogram | Counter | Gauge | BulkHistogram;
      if (def.bulk) {
        metric = new BulkHistogram(common.name, common.help, common.labelNames, def.buckets ?? [], [
          registry,
          ...extraRegistries,
        ]);
        this.metrics.set(key, { kind: def.kind, metric, exemplars: false });
        continue;
      }
      if (def.kind === 'histogram') {
        metric = new Histogram({
          ...common,
          buckets: [...(def.buckets ?? [])],
          enableExemplars: def.exemplars === true,
        });
      } else if (def.kind === 'counter') {
        metric = new Counter(common);
      } else {
        metric = new Gauge(common);
      }
      for (const extra of extraRegistries) {
        // A re-init (tests, hot reload) must not fail on an app registry that still holds our series.
        extra.removeSingleMetric(common.name);
        extra.registerMetric(metric);
      }
      this.metrics.set(key, { kind: def.kind, metric, exemplars: def.exemplars === true });
    }
  }

  /** Many observations of one label set (per-chunk timings): labels are built once. */
  recordMany(key: string, values: readonly number[], attributes: Attributes): void {
    const entry = this.metrics.get(key);
    if (!entry) return;
    if (entry.metric instanceof BulkHistogram) {
      entry.metric.observeMany(toLabels(attributes), values);
      return;
    }
    for (const value of values) this.record(key, value, attributes);
  }

  record(key: string, value: number, attributes: Attributes, exemplar?: Exemplar): void {
    const entry = this.metrics.get(key);
    if (!entry) return;
    if (entry.metric instanceof BulkHistogram) {
      entry.metric.observeMany(toLabels(attributes), [value]);
      return;
    }
    const labels = toLabels(attributes);
    if (entry.kind === 'histogram') {
      const histogram = entry.metric as Histogram;
      if (entry.exemplars) {
        histogram.observe(
          exemplar ? { labels, value, exemplarLabels: { ...exemplar } } : { labels, value },
        );
      } else {
        histogram.observe(labels, value);
      }
    } else if (entry.kind === 'counter') {
      (entry.metric as Counter).inc(labels, value);
    } else {
      (entry.metric as Gauge).inc(labels, value);
    }
  }
}

/**
 * Labels of the frozen attribute sets the recorder reuses (recorder/series-attributes.ts),
 * by identity: renaming every key on every record was a visible part of a call's cost.
 * A frozen set cannot change, so its labels cannot go stale; other objects are converted each time.
 */
const labelsOfFrozen = new WeakMap<Attributes, Record<string, string | number>>();

function toLabels(attributes: Attributes): Record<string, string | number> {
  if (!Object.isFrozen(attributes)) return buildLabels(attributes);
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
