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
interface MetricSeries {
  /** Ids of the attribute sets admitted: never forgotten. */
  readonly ids: Set<string>;
  /**
   * The answer for each frozen attribute set seen, by identity. The recorder
   * reuses one frozen object per label set (recorder/series-attributes.ts), so
   * a repeat costs one WeakMap lookup instead of sorting keys and building an
   * id string on every record. Safe because answers never change: an admitted
   * set stays admitted, and a set refused once the cap is full stays refused.
   */
  readonly memo: WeakMap<Attributes, boolean>;
}

export class SeriesLimiter {
  private readonly metrics = new Map<string, MetricSeries>();

  constructor(
    private readonly limit: number,
    /** Called once per measurement sent to the overflow series (for the self-metric). */
    private readonly onOverflow: (metricKey: string) => void,
  ) {}

  /** The attributes to record under: the caller's own, or the overflow set. */
  admit(metricKey: string, attributes: Attributes): Attributes {
    let metric = this.metrics.get(metricKey);
    if (metric === undefined) {
      metric = { ids: new Set(), memo: new WeakMap() };
      this.metrics.set(metricKey, metric);
    }
    // Only frozen sets are memoised: a mutable object could change after its answer was kept.
    const frozen = Object.isFrozen(attributes);
    let admitted = frozen ? metric.memo.get(attributes) : undefined;
    if (admitted === undefined) {
      admitted = this.decide(metric.ids, attributes);
      if (frozen) metric.memo.set(attributes, admitted);
    }
    if (admitted) return attributes;
    this.onOverflow(metricKey);
    return OVERFLOW_ATTRIBUTES;
  }

  private decide(seen: Set<string>, attributes: Attributes): boolean {
    const id = seriesId(attributes);
    if (seen.has(id)) return true;
    if (seen.size < this.limit - 1) {
      seen.add(id);
      return true;
    }
    return false;
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
