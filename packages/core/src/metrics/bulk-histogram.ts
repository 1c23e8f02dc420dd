import type { Registry } from 'prom-client';

interface Series {
  labels: Record<string, string | number>;
  counts: Float64Array;
  sum: number;
  count: number;
}

/**
 * A cumulative Prometheus histogram that takes many observations of one label
 * set in one call. Streams report one time-per-output-chunk observation per
 * chunk; prom-client hashes and validates the labels on every observe (about
 * 2 µs each), which for a 256-chunk stream costs more than the stream. Here the
 * series is looked up once per operation and each chunk is one bucket increment.
 *
 * It has the shape prom-client's Registry expects of a metric (name, help,
 * type, get(), reset()), so it renders through the same registries.
 */
export class BulkHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    private readonly buckets: readonly number[],
    registries: Registry[],
  ) {
    for (const registry of registries) {
      registry.removeSingleMetric(name);
      registry.registerMetric(this as never);
    }
  }

  observeMany(labels: Record<string, string | number>, values: readonly number[]): void {
    if (values.length === 0) return;
    let key = '';
    for (const name of this.labelNames) key += `${labels[name] ?? ''}\u0000`;
    let series = this.series.get(key);
    if (!series) {
      series = { labels, counts: new Float64Array(this.buckets.length), sum: 0, count: 0 };
      this.series.set(key, series);
    }
    const bounds = this.buckets;
    for (const value of values) {
      if (!Number.isFinite(value)) continue;
      series.sum += value;
      series.count++;
      // Buckets hold per-bucket counts; get() makes them cumulative. Above the last bound only +Inf counts.
      for (let i = 0; i < bounds.length; i++) {
        if (value <= bounds[i]!) {
          series.counts[i]!++;
          break;
        }
      }
    }
  }

  async get() {
    const values: Array<{
      labels: Record<string, string | number>;
      value: number;
      metricName: string;
    }> = [];
    for (const series of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += series.counts[i]!;
        values.push({
          labels: { le, ...series.labels },
          value: cumulative,
          metricName: `${this.name}_bucket`,
        });
      });
      values.push({
        labels: { le: '+Inf', ...series.labels },
        value: series.count,
        metricName: `${this.name}_bucket`,
      });
      values.push({ labels: series.labels, value: series.sum, metricName: `${this.name}_sum` });
      values.push({ labels: series.labels, value: series.count, metricName: `${this.name}_count` });
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      values,
      aggregator: this.aggregator,
    };
  }

  reset(): void {
    this.series.clear();
  }
}
