import type { Attributes } from '@opentelemetry/api';
import { warnOnce } from '../internal-log';
import type { InstrumentKey } from './definitions';
import type { OtelSink } from './otel-sink';
import type { Exemplar, PromSink } from './prom-sink';
import type { SeriesLimiter } from './series-limit';

/**
 * Fans one measurement out to the OTel instruments and the prom-client series.
 * The series cap is applied here, once, before the fan-out, so /metrics and
 * OTLP always agree on which series exist and which measurements overflowed.
 */
export class MetricSet {
  constructor(
    private readonly otel: OtelSink | undefined,
    private readonly prom: PromSink | undefined,
    private readonly limiter?: SeriesLimiter,
    /** The keys of the active instrument set; a key outside it is a bug, said once. */
    private readonly known?: ReadonlySet<string>,
  ) {}

  /** False (and one warning) for a key the active semconv mode defines no instrument for. */
  private defined(key: InstrumentKey): boolean {
    if (this.known === undefined || this.known.has(key)) return true;
    warnOnce(`metrics.unknown-key:${key}`, 'llmeter recorded to an instrument it does not define', {
      key,
    });
    return false;
  }

  record(key: InstrumentKey, value: number, attributes: Attributes, exemplar?: Exemplar): void {
    // Counters and histograms reject negative or non-finite values; drop them here once.
    if (!Number.isFinite(value) || !this.defined(key)) return;
    const admitted = this.limiter ? this.limiter.admit(key, attributes) : attributes;
    this.otel?.record(key, value, admitted);
    this.prom?.record(key, value, admitted, exemplar);
  }

  /** Many observations of one histogram with one attribute set (per-chunk timings). */
  recordMany(key: InstrumentKey, values: readonly number[], attributes: Attributes): void {
    if (values.length === 0 || !this.defined(key)) return;
    const admitted = this.limiter ? this.limiter.admit(key, attributes) : attributes;
    this.otel?.recordMany(key, values, admitted);
    this.prom?.recordMany(key, values, admitted);
  }

  /** Up-down counters take negative deltas. */
  add(key: InstrumentKey, delta: number, attributes: Attributes): void {
    if (!Number.isFinite(delta) || !this.defined(key)) return;
    const admitted = this.limiter ? this.limiter.admit(key, attributes) : attributes;
    this.otel?.record(key, delta, admitted);
    this.prom?.record(key, delta, admitted);
  }

  /** llmeter's own counters (bounded label sets): never capped, so an overflow is always counted. */
  recordSelf(key: InstrumentKey, value: number, attributes: Attributes): void {
    if (!this.defined(key)) return;
    this.otel?.record(key, value, attributes);
    this.prom?.record(key, value, attributes);
  }
}
