import { inspect } from 'node:util';
import type { Attributes } from '@opentelemetry/api';
import type { Registry } from 'prom-client';
import { prometheusLabel } from './definitions';
import { bucketIndex, type OtelStream, type StreamEntry } from './otel-stream';
import type { Exemplar } from './prom-sink';
import { markOwned, registerInAppRegistry } from './registration';
import { OVERFLOW_ATTRIBUTES, type SeriesCap } from './series-limit';

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

/** Prometheus labels of an attribute set: keys renamed, null and undefined values left out. */
function toLabels(attributes: Attributes): Labels {
  const labels: Labels = {};
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined || value === null) continue;
    labels[prometheusLabel(key)] = typeof value === 'number' ? value : String(value);
  }
  return labels;
}

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

interface Series {
  labels: Labels;
  otel: StreamEntry | undefined;
  /** The metric's overflow series (see series-limit.ts). */
  overflow: boolean;
}

/** The overflow series' labels and prom-client key, derived from its attributes. */
const OVERFLOW_LABELS: Labels = Object.freeze(toLabels(OVERFLOW_ATTRIBUTES));
const OVERFLOW_KEY = seriesKey(Object.keys(OVERFLOW_LABELS), OVERFLOW_LABELS);

abstract class SeriesMetric<S extends Series> {
  readonly aggregator = 'sum';
  protected series = new Map<string, S>();
  private byAttributes = new WeakMap<Attributes, S>();
  private readonly sortedLabelNames: readonly string[];

  constructor(
    public name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    registries: Registry[],
    /** The OTel readers' side of this metric; none without an OTel reader. */
    protected readonly otel?: OtelStream,
    /** The series cap; none for llmeter's own counters (bounded label sets, so an overflow is always counted). */
    private readonly cap?: SeriesCap,
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
   * The series of an attribute set (the overflow series past the cap).
   * `stable` sets (the recorder's shared frozen ones) are remembered by
   * identity: one WeakMap lookup, no label conversion. A set refused by the
   * cap is not remembered, so a flood of new names leaves no table behind.
   */
  protected seriesOf(attributes: Attributes, stable: boolean): S {
    let series = stable ? this.byAttributes.get(attributes) : undefined;
    if (series === undefined) {
      const labels = toLabels(attributes);
      validateLabels(this.labelNames, labels);
      const key = seriesKey(this.sortedLabelNames, labels);
      series = this.series.get(key);
      if (series === undefined) {
        series =
          this.cap === undefined || this.cap.admit(key)
            ? this.newSeries(key, labels, attributes)
            : (this.series.get(OVERFLOW_KEY) ??
              this.newSeries(OVERFLOW_KEY, OVERFLOW_LABELS, OVERFLOW_ATTRIBUTES));
      }
      if (stable && !series.overflow) this.byAttributes.set(attributes, series);
    }
    if (series.overflow) this.cap?.onOverflow();
    return series;
  }

  private newSeries(key: string, labels: Labels, attributes: Attributes): S {
    const series = this.create(labels);
    series.otel = this.otel?.entry(key, attributes);
    series.overflow = key === OVERFLOW_KEY;
    this.series.set(key, series);
    return series;
  }

  reset(): void {
    this.series = new Map();
    this.byAttributes = new WeakMap();
  }
}

interface HistogramSeries extends Series {
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
    cap?: SeriesCap,
  ) {
    super(name, help, labelNames, registries, otel, cap);
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
      overflow: false,
      counts: new Float64Array(this.buckets.length),
      sum: 0,
      count: 0,
      exemplars,
    };
  }

  /** True when the value went to the overflow series. */
  observe(
    attributes: Attributes,
    value: number,
    exemplar: Exemplar | undefined,
    stable: boolean,
  ): boolean {
    // Checked before the series exists: a refused value creates no series, as in prom-client.
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    const series = this.seriesOf(attributes, stable);
    const bound = this.add(series, value);
    if (exemplar !== undefined && series.exemplars !== undefined) {
      series.exemplars[bound] = {
        labelSet: { trace_id: exemplar.trace_id, span_id: exemplar.span_id },
        value,
        timestamp: Date.now() / 1000,
      };
    }
    return series.overflow;
  }

  /** Many observations of one series (per-chunk timings): looked up once. */
  observeMany(attributes: Attributes, values: readonly number[], stable: boolean): boolean {
    if (values.length === 0) return false;
    const series = this.seriesOf(attributes, stable);
    // Non-finite values are skipped, as BulkHistogram always did for per-chunk timings.
    for (const value of values) if (Number.isFinite(value)) this.add(series, value);
    return series.overflow;
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

interface ValueSeries extends Series {
  value: number;
}

abstract class ValueMetric extends SeriesMetric<ValueSeries> {
  abstract readonly type: 'counter' | 'gauge';

  protected create(labels: Labels): ValueSeries {
    return { value: 0, labels, otel: undefined, overflow: false };
  }

  protected add(series: ValueSeries, value: number): boolean {
    series.value += value;
    if (series.otel !== undefined) this.otel!.record(series.otel, value, 0);
    return series.overflow;
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

  /** True when the value went to the overflow series. */
  inc(attributes: Attributes, value: number, stable: boolean): boolean {
    // prom-client's checks; a refused value creates no series.
    if (value && !Number.isFinite(value))
      throw new TypeError(`Value is not a valid number: ${value}`);
    if (value < 0) throw new Error('It is not possible to decrease a counter');
    return this.add(this.seriesOf(attributes, stable), value);
  }
}

export class SeriesGauge extends ValueMetric {
  readonly type = 'gauge';

  /** True when the value went to the overflow series. */
  inc(attributes: Attributes, value: number, stable: boolean): boolean {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    return this.add(this.seriesOf(attributes, stable), value);
  }
}
