import type { Attributes } from '@opentelemetry/api';
import { warnOnce } from '../internal-log';
import type { InstrumentKey } from './definitions';
import type { OtelSink } from './otel-sink';
import type { Exemplar, PromSink } from './prom-sink';

/**
 * The recorder's one entry to metrics: a measurement goes to core's
 * aggregation (PromSink: /metrics and llmeter's OTel readers, the series cap
 * applied there) and, only with an application's own meterProvider, to its
 * instruments (OtelSink) under the attributes the aggregation recorded it
 * under, so both agree on which measurements overflowed.
 */
export class MetricSet {
  constructor(
    private readonly otel: OtelSink | undefined,
    private readonly prom: PromSink | undefined,
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

  /** Counters and histograms reject negative or non-finite values; up-down counters take negative deltas. */
  record(key: InstrumentKey, value: number, attributes: Attributes, exemplar?: Exemplar): void {
    if (!Number.isFinite(value) || !this.defined(key)) return;
    const recorded = this.prom?.record(key, value, attributes, exemplar);
    this.otel?.record(key, value, recorded ?? attributes);
  }

  /** Many observations of one histogram with one attribute set (per-chunk timings). */
  recordMany(key: InstrumentKey, values: readonly number[], attributes: Attributes): void {
    if (values.length === 0 || !this.defined(key)) return;
    const recorded = this.prom?.recordMany(key, values, attributes);
    this.otel?.recordMany(key, values, recorded ?? attributes);
  }
}
