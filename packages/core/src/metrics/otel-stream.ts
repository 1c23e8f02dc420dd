import type { Attributes } from '@opentelemetry/api';
import type { InstrumentDefinition } from './definitions';

/**
 * What one OTel metric reader has not collected yet of one series, kept the
 * way the OpenTelemetry SDK keeps an accumulation (sum from 0 in record order,
 * min, max, per-bucket counts), so that delta and cumulative exports carry the
 * same numbers, to the last bit, as when llmeter recorded through the SDK.
 */
export class Interval {
  sum = 0;
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  /** Epoch ms of the first measurement of this interval (the SDK's accumulation start). */
  startMs = 0;
  /** When that first measurement came, relative to other series': a delta export lists series in that order. */
  firstSeen = 0;
  recorded = false;
  /** Delta readers: whether the last collection reported this series (its start time is then that collection's). */
  reportedLast = false;
  /** Cumulative readers: everything collected so far. */
  total: Interval | undefined;

  constructor(
    /** Histograms: per-bucket counts, the last one above every bound (OTLP's layout). */
    readonly counts: number[] | undefined,
  ) {}

  /** A detached copy (what a collection hands the exporter). */
  copy(): Interval {
    const copy = new Interval(this.counts && [...this.counts]);
    copy.sum = this.sum;
    copy.count = this.count;
    copy.min = this.min;
    copy.max = this.max;
    copy.startMs = this.startMs;
    return copy;
  }

  /** The SDK's cumulative merge: this (all collected before) plus `next`, start time kept. */
  plus(next: Interval): Interval {
    const merged = this.copy();
    merged.sum = this.sum + next.sum;
    merged.count = this.count + next.count;
    merged.min = Math.min(this.min, next.min);
    merged.max = Math.max(this.max, next.max);
    if (merged.counts && next.counts) {
      for (let i = 0; i < merged.counts.length; i++) merged.counts[i]! += next.counts[i]!;
    }
    return merged;
  }

  reset(): void {
    this.sum = 0;
    this.count = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
    this.recorded = false;
    this.counts?.fill(0);
  }
}

/** One series as the OTel readers see it: its attributes and one interval per reader. */
export class StreamEntry {
  constructor(
    readonly attributes: Attributes,
    readonly intervals: Interval[],
  ) {}
}

/**
 * The OTel side of one metric: the series with their per-reader intervals, in
 * the order they first appeared (the order the SDK exported them in). Fed by
 * the series of prom-series.ts, so each measurement is looked up once for both
 * exports; kept apart from them because a prom-client `resetMetrics()` must not
 * erase what the OTel readers have yet to collect.
 */
export class OtelStream {
  readonly entries = new Map<string, StreamEntry>();
  private sequence = 0;
  private readonly boundaries: readonly number[] | undefined;
  private readonly integer: boolean;
  /** Counters and histograms take no negative value (the SDK drops them); up-down counters do. */
  private readonly nonNegative: boolean;

  constructor(
    readonly definition: InstrumentDefinition,
    private readonly readers: number,
  ) {
    this.boundaries = definition.kind === 'histogram' ? (definition.buckets ?? []) : undefined;
    this.integer = definition.integer === true;
    this.nonNegative = definition.kind !== 'updowncounter';
  }

  /** The entry of a series key, created with the attributes of its first measurement. */
  entry(key: string, attributes: Attributes): StreamEntry {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      const intervals: Interval[] = [];
      const buckets = this.boundaries === undefined ? 0 : this.boundaries.length + 1;
      for (let i = 0; i < this.readers; i++) {
        intervals.push(new Interval(buckets === 0 ? undefined : new Array(buckets).fill(0)));
      }
      entry = new StreamEntry(attributes, intervals);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /**
   * One measurement, for every reader. `bucket` is the index the /metrics
   * series computed (the same rule: the first bound ≥ value); recomputed only
   * when an integer instrument truncates the value, as the SDK does.
   */
  record(entry: StreamEntry, value: number, bucket: number): void {
    if (this.nonNegative && value < 0) return;
    let v = value;
    let index = bucket;
    if (this.integer && !Number.isInteger(v)) {
      v = Math.trunc(v);
      if (this.boundaries !== undefined) index = bucketIndex(this.boundaries, v);
    }
    const intervals = entry.intervals;
    for (let i = 0; i < intervals.length; i++) {
      const interval = intervals[i]!;
      if (!interval.recorded) {
        interval.recorded = true;
        interval.startMs = Date.now();
        interval.firstSeen = ++this.sequence;
      }
      interval.sum += v;
      interval.count += 1;
      if (v < interval.min) interval.min = v;
      if (v > interval.max) interval.max = v;
      if (interval.counts !== undefined) interval.counts[index]!++;
    }
  }
}

/** Index of the first bound ≥ value, `bounds.length` above every bound. */
export function bucketIndex(bounds: readonly number[], value: number): number {
  for (let i = 0; i < bounds.length; i++) if (value <= bounds[i]!) return i;
  return bounds.length;
}
