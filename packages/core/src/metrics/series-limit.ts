import type { Attributes } from '@opentelemetry/api';
import { ATTR } from '../constants';

/**
 * The attribute set every measurement beyond the cap is recorded under: the
 * OpenTelemetry SDK's own overflow convention (`otel.metric.overflow=true`),
 * so dashboards and the collector treat it the way they treat the SDK's.
 */
export const OVERFLOW_ATTRIBUTES: Attributes = Object.freeze({ [ATTR.METRIC_OVERFLOW]: true });

/**
 * Caps the number of distinct attribute sets (series) of one metric. Model,
 * tool and agent names come from user code and provider responses, so nothing
 * else bounds them; without a cap one misbehaving caller could grow /metrics
 * and the OTLP payload without end. The first `limit - 1` sets are kept as
 * they are, everything after them shares one overflow series, so a metric
 * never has more than `limit` series. Applied where the series are found
 * (prom-series.ts), so both views overflow the same measurements. The sets
 * admitted are never forgotten, not even by a prom-client `resetMetrics()`:
 * an up-down counter's +1 and -1 must land on the same series.
 */
export class SeriesCap {
  private readonly admitted = new Set<string>();

  constructor(
    private readonly limit: number,
    /** Called once per measurement sent to the overflow series (for the self-metric). */
    readonly onOverflow: () => void,
  ) {}

  /** Whether the series of `key` may exist (it is admitted now if there is room). */
  admit(key: string): boolean {
    if (this.admitted.has(key)) return true;
    if (this.admitted.size >= this.limit - 1) return false;
    this.admitted.add(key);
    return true;
  }
}
