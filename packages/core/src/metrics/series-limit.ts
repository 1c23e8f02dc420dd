import type { Attributes } from '@opentelemetry/api';
import { ATTR } from '../constants';

/**
 * The attribute set every measurement beyond the cap is recorded under: the
 * OpenTelemetry SDK's own overflow convention (`otel.metric.overflow=true`),
 * so dashboards and the collector treat it the way they treat the SDK's.
 */
export const OVERFLOW_ATTRIBUTES: Attributes = Object.freeze({ [ATTR.METRIC_OVERFLOW]: true });

/**
 * Caps the number of distinct attribute sets (series) per metric. Model, tool
 * and agent names come from user code and provider responses, so nothing else
 * bounds them; without a cap one misbehaving caller could grow /metrics and the
 * OTLP payload without end. The first `limit - 1` sets are kept as they are,
 * everything after them shares one overflow series, so a metric never has more
 * than `limit` series. The sets admitted are never forgotten: an up-down
 * counter's +1 and -1 must land on the same series.
 */
export class SeriesLimiter {
  private readonly admitted = new Map<string, Set<string>>();

  constructor(
    private readonly limit: number,
    /** Called once per measurement sent to the overflow series (for the self-metric). */
    private readonly onOverflow: (metricKey: string) => void,
  ) {}

  /** The attributes to record under: the caller's own, or the overflow set. */
  admit(metricKey: string, attributes: Attributes): Attributes {
    let seen = this.admitted.get(metricKey);
    if (seen === undefined) {
      seen = new Set();
      this.admitted.set(metricKey, seen);
    }
    const id = seriesId(attributes);
    if (seen.has(id)) return attributes;
    if (seen.size < this.limit - 1) {
      seen.add(id);
      return attributes;
    }
    this.onOverflow(metricKey);
    return OVERFLOW_ATTRIBUTES;
  }
}

/**
 * One string per attribute set. Keys are sorted so that `{a, b}` and `{b, a}`
 * are the same series, as they are for prom-client and the OTel SDK; the
 * separators are control characters that attribute values rarely contain.
 */
function seriesId(attributes: Attributes): string {
  const keys = Object.keys(attributes).sort();
  let id = '';
  for (const key of keys) {
    const value = attributes[key];
    if (value === undefined || value === null) continue;
    id += `${key}\u0001${String(value)}\u0002`;
  }
  return id;
}
