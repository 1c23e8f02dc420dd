import type { Attributes } from '@opentelemetry/api';
import type { OtelSink } from './otel-sink';
import type { Exemplar, PromSink } from './prom-sink';

/** Fans one measurement out to the OTel instruments and the prom-client series. */
export class MetricSet {
  constructor(
    private readonly otel: OtelSink | undefined,
    private readonly prom: PromSink | undefined,
  ) {}

  record(key: string, value: number, attributes: Attributes, exemplar?: Exemplar): void {
    // Counters and histograms reject negative or non-finite values; drop them here once.
    if (!Number.isFinite(value)) return;
    this.otel?.record(key, value, attributes);
    this.prom?.record(key, value, attributes, exemplar);
  }

  /** Many observations of one histogram with one attribute set (per-chunk timings). */
  recordMany(key: string, values: readonly number[], attributes: Attributes): void {
    if (values.length === 0) return;
    this.otel?.recordMany(key, values, attributes);
    this.prom?.recordMany(key, values, attributes);
  }

  /** Up-down counters take negative deltas. */
  add(key: string, delta: number, attributes: Attributes): void {
    if (!Number.isFinite(delta)) return;
    this.otel?.record(key, delta, attributes);
    this.prom?.record(key, delta, attributes);
  }
}
