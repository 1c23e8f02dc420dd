import { inspect } from 'node:util';
import type { Attributes } from '@opentelemetry/api';
import type { Registry } from 'prom-client';
import { bucketIndex, type OtelStream, type StreamEntry } from './otel-stream';
import type { Exemplar } from './prom-sink';
import { markOwned, registerInAppRegistry } from './registration';

/**
 * llmeter's metric aggregation: one series per label set, read by two views.
 * `/metrics` reads the cumulative data below; the OTel readers read each
 * series' OtelStream entry (otel-stream.ts, otel-view.ts), updated in the same
 * call, so a measurement is looked up once for both exports.
 *
 * For /metrics these are a histogram (with optional exemplars), a
 * counter and a gauge with exactly the data and the `get()` shape of
 * prom-client's Histogram, Counter and Gauge, so both llmeter's renderer
 * (exposition.ts) and prom-client's registries render them byte for byte as
 * before (tests compare them with prom-client).
 *
 * Why not prom-client's classes: on every observation they validate every
 * label, build a hash string from the sorted label names and, for a histogram
 * with exemplars, do it all twice. That was about half of what one LLM call
 * cost llmeter's core. Here a series is found by the identity of its labels
 * object when the caller says it is stable (the recorder's shared frozen
 * attribute sets, see recorder/series-attributes.ts): one WeakMap lookup,
 * then arithmetic. Validation and hashing run once per new labels object.
 */

type Labels = Record<string, string | number>;

/** Label validation as prom-client does it (same error), run once per new labels object. */
function validateLabels(labelNames: readonly string[], labels: Labels): void {
  for (const label in labels) {
    if (!labelNames.includes(label)) {
      throw new Error(
        `Added label "${label}" is not included in initial labelset: ${inspect(labelNames)}`,
      );
    }
  }
}

/** prom-client's series key: `name:value,` over the sorted label names, undefined values skipped. */
function seriesKey(sortedLabelNames: readonly string[], labels: Labels): string {
  let key = '';
  for (const name of sortedLabelNames) {
    const value = labels[name];
    if (value === undefined) continue;
    key += `${name}:${value},`;
  }
  return key;
}

abstract class SeriesMetric<S extends { labels: Labels; otel: StreamEntry | undefined }> {
  readonly aggregator = 'sum';
  protected series = new Map<string, S>();
  private byLabels = new WeakMap<Labels, S>();
  private readonly sortedLabelNames: readonly string[];

  constructor(
    public name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    registries: Registry[],
    /** The OTel readers' side of this metric; none without an OTel reader. */
    protected readonly otel?: OtelStream,
  ) {
    this.sortedLabelNames = [...labelNames].sort();
    markOwned(this);
    // The first registry is llmeter's own (fresh per init); the others are the
    // application's, where a re-init replaces our old series and never the app's.
    const [own, ...apps] = registries;
    own?.registerMetric(this as never);
    for (const registry of apps) registerInAppRegistry(registry, this as never, name);
  }

  protected abstract create(labels: Labels): S;

  /**
   * The series of `labels`; `stable` labels objects are remembered by identity.
   * `attributes` (the OTel form of the labels) name the series on OTLP.
   */
  protected seriesOf(labels: Labels, stable: boolean, attributes?: Attributes): S {
    if (stable) {
      const known = this.byLabels.get(labels);
      if (known !== undefined) return known;
    }
    validateLabels(this.labelNames, labels);
    const key = seriesKey(this.sortedLabelNames, labels);
    let series = this.series.get(key);
    if (series === undefined) {
      series = this.create(labels);
      series.otel = this.otel?.entry(key, attributes ?? labels);
      this.series.set(key, series);
    }
    if (stable) this.byLabels.set(labels, series);
    return series;
  }

  reset(): void {
    this.series = new Map();
    this.byLabels = new WeakMap();
  }
}

interface HistogramSeries {
  labels: Labels;
  otel: StreamEntry | undefined;
  /** Per-bucket counts (not cumulative); above the last bound only the count grows. */
  counts: Float64Array;
  sum: number;
  count: number;
  /** One per bound, then +Inf; only with exemplars on. */
  exemplars: (ExemplarSample | null | undefined)[] | undefined;
}

interface ExemplarSample {
  labelSet: Record<string, string>;
  value: number;
  timestamp: number;
}

export class SeriesHistogram extends SeriesMetric<HistogramSeries> {
  readonly type = 'histogram';

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    private readonly buckets: readonly number[],
    readonly enableExemplars: boolean,
    registries: Registry[],
    otel?: OtelStream,
  ) {
    super(name, help, labelNames, registries, otel);
  }

  protected create(labels: Labels): HistogramSeries {
    let exemplars: HistogramSeries['exemplars'];
    if (this.enableExemplars) {
      // prom-client starts each bound at null and has no +Inf entry until one is set.
      exemplars = new Array(this.buckets.length + 1).fill(null);
      exemplars[this.buckets.length] = undefined;
    }
    return {
      labels,
      otel: undefined,
      counts: new Float64Array(this.buckets.length),
      sum: 0,
      count: 0,
      exemplars,
    };
  }

  observe(
    labels: Labels,
    value: number,
    exemplar: Exemplar | undefined,
    stable: boolean,
    attributes?: Attributes,
  ): void {
    // Checked before the series exists: a refused value creates no series, as in prom-client.
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    const series = this.seriesOf(labels, stable, attributes);
    const bound = this.add(series, value);
    if (exemplar !== undefined && series.exemplars !== undefined) {
      series.exemplars[bound] = {
        labelSet: { trace_id: exemplar.trace_id, span_id: exemplar.span_id },
        value,
        timestamp: Date.now() / 1000,
      };
    }
  }

  /** Many observations of one series (per-chunk timings): looked up once. */
  observeMany(
    labels: Labels,
    values: readonly number[],
    stable: boolean,
    attributes?: Attributes,
  ): void {
    if (values.length === 0) return;
    const series = this.seriesOf(labels, stable, attributes);
    // Non-finite values are skipped, as BulkHistogram always did for per-chunk timings.
    for (const value of values) if (Number.isFinite(value)) this.add(series, value);
  }

  /** Index of the bucket the value fell in, `buckets.length` for +Inf only. */
  private add(series: HistogramSeries, value: number): number {
    series.sum += value;
    series.count += 1;
    const bound = bucketIndex(this.buckets, value);
    if (bound < this.buckets.length) series.counts[bound]!++;
    if (series.otel !== undefined) this.otel!.record(series.otel, value, bound);
    return bound;
  }

  async get() {
    const bucketName = `${this.name}_bucket`;
    const values: Array<{
      value: number;
      metricName: string;
      exemplar: ExemplarSample | null | undefined;
      labels: Record<string, string | number>;
    }> = [];
    const n = this.buckets.length;
    for (const series of this.series.values()) {
      let cumulative = 0;
      for (let i = 0; i < n; i++) {
        cumulative += series.counts[i]!;
        values.push({
          value: cumulative,
          metricName: bucketName,
          exemplar: series.exemplars ? series.exemplars[i] : null,
          labels: { le: this.buckets[i]!, ...series.labels },
        });
      }
      values.push({
        value: series.count,
        metricName: bucketName,
        exemplar: series.exemplars ? series.exemplars[n] : null,
        labels: { le: '+Inf', ...series.labels },
      });
      values.push({
        value: series.sum,
        metricName: `${this.name}_sum`,
        exemplar: undefined,
        labels: { ...series.labels },
      });
      values.push({
        value: series.count,
        metricName: `${this.name}_count`,
        exemplar: undefined,
        labels: { ...series.labels },
      });
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      values,
      aggregator: this.aggregator,
    };
  }
}

interface ValueSeries {
  value: number;
  labels: Labels;
  otel: StreamEntry | undefined;
}

abstract class ValueMetric extends SeriesMetric<ValueSeries> {
  abstract readonly type: 'counter' | 'gauge';

  protected create(labels: Labels): ValueSeries {
    return { value: 0, labels, otel: undefined };
  }

  protected add(series: ValueSeries, value: number): void {
    series.value += value;
    if (series.otel !== undefined) this.otel!.record(series.otel, value, 0);
  }

  async get() {
    return {
      help: this.help,
      name: this.name,
      type: this.type,
      values: [...this.series.values()].map(({ value, labels }) => ({ value, labels })),
      aggregator: this.aggregator,
    };
  }
}

export class SeriesCounter extends ValueMetric {
  readonly type = 'counter';

  inc(labels: Labels, value: number, stable: boolean, attributes?: Attributes): void {
    // prom-client's checks; a refused value creates no series.
    if (value && !Number.isFinite(value))
      throw new TypeError(`Value is not a valid number: ${value}`);
    if (value < 0) throw new Error('It is not possible to decrease a counter');
    this.add(this.seriesOf(labels, stable, attributes), value);
  }
}

export class SeriesGauge extends ValueMetric {
  readonly type = 'gauge';

  inc(labels: Labels, value: number, stable: boolean, attributes?: Attributes): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    this.add(this.seriesOf(labels, stable, attributes), value);
  }
}
