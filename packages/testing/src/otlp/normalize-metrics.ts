import {
  attributes,
  enumNumber,
  hex,
  type Json,
  list,
  nanos,
  num,
  obj,
  optNum,
  scopeOf,
  str,
} from './normalize-values.js';
import type { Attributes, Exemplar, ReceivedMetric, Temporality } from './telemetry-types.js';

const TEMPORALITIES: Temporality[] = ['UNSPECIFIED', 'DELTA', 'CUMULATIVE'];
const temporalityOf = (value: unknown): Temporality =>
  TEMPORALITIES[enumNumber(value, TEMPORALITIES, 'AGGREGATION_TEMPORALITY_')] ?? 'UNSPECIFIED';

/** NumberDataPoint and Exemplar hold their value in a oneof: asDouble or asInt (int64). */
const pointValue = (point: Json): number =>
  point.asDouble !== undefined ? Number(point.asDouble) : num(point.asInt);

const exemplarsOf = (value: unknown): Exemplar[] =>
  list(value).map((e) => ({
    value: pointValue(e),
    timeUnixNano: nanos(e.timeUnixNano),
    traceId: hex(e.traceId),
    spanId: hex(e.spanId),
    filteredAttributes: attributes(e.filteredAttributes),
  }));

const pointBase = (point: Json) => ({
  attributes: attributes(point.attributes),
  startTimeUnixNano: nanos(point.startTimeUnixNano),
  timeUnixNano: nanos(point.timeUnixNano),
});

const numberPoints = (data: unknown) =>
  list(obj(data).dataPoints).map((p) => ({
    ...pointBase(p),
    value: pointValue(p),
    exemplars: exemplarsOf(p.exemplars),
  }));

const buckets = (value: unknown) => ({
  offset: num(obj(value).offset),
  bucketCounts: (Array.isArray(obj(value).bucketCounts)
    ? (obj(value).bucketCounts as unknown[])
    : []
  ).map(num),
});

function metricOf(
  metric: Json,
  resource: Attributes,
  scope: ReceivedMetric['scope'],
): ReceivedMetric {
  const base = {
    name: str(metric.name),
    unit: str(metric.unit),
    description: str(metric.description),
    resource,
    scope,
  };
  if (metric.sum !== undefined) {
    const sum = obj(metric.sum);
    return {
      ...base,
      type: 'sum',
      temporality: temporalityOf(sum.aggregationTemporality),
      isMonotonic: sum.isMonotonic === true,
      dataPoints: numberPoints(sum),
    };
  }
  if (metric.histogram !== undefined) {
    const histogram = obj(metric.histogram);
    return {
      ...base,
      type: 'histogram',
      temporality: temporalityOf(histogram.aggregationTemporality),
      isMonotonic: false,
      dataPoints: list(histogram.dataPoints).map((p) => ({
        ...pointBase(p),
        count: num(p.count),
        sum: optNum(p.sum),
        min: optNum(p.min),
        max: optNum(p.max),
        bucketCounts: (Array.isArray(p.bucketCounts) ? p.bucketCounts : []).map(num),
        explicitBounds: (Array.isArray(p.explicitBounds) ? p.explicitBounds : []).map(Number),
        exemplars: exemplarsOf(p.exemplars),
      })),
    };
  }
  if (metric.exponentialHistogram !== undefined) {
    const histogram = obj(metric.exponentialHistogram);
    return {
      ...base,
      type: 'exponentialHistogram',
      temporality: temporalityOf(histogram.aggregationTemporality),
      isMonotonic: false,
      dataPoints: list(histogram.dataPoints).map((p) => ({
        ...pointBase(p),
        count: num(p.count),
        sum: optNum(p.sum),
        min: optNum(p.min),
        max: optNum(p.max),
        scale: num(p.scale),
        zeroCount: num(p.zeroCount),
        positive: buckets(p.positive),
        negative: buckets(p.negative),
        exemplars: exemplarsOf(p.exemplars),
      })),
    };
  }
  if (metric.summary !== undefined) {
    return {
      ...base,
      type: 'summary',
      temporality: 'UNSPECIFIED',
      isMonotonic: false,
      dataPoints: list(obj(metric.summary).dataPoints).map((p) => ({
        ...pointBase(p),
        count: num(p.count),
        sum: num(p.sum),
        quantileValues: list(p.quantileValues).map((q) => ({
          quantile: num(q.quantile),
          value: num(q.value),
        })),
      })),
    };
  }
  return {
    ...base,
    type: 'gauge',
    temporality: 'UNSPECIFIED',
    isMonotonic: false,
    dataPoints: numberPoints(metric.gauge),
  };
}

export function metricsOf(body: Json): ReceivedMetric[] {
  const out: ReceivedMetric[] = [];
  for (const rm of list(body.resourceMetrics)) {
    const resource = attributes(obj(rm.resource).attributes);
    for (const sm of list(rm.scopeMetrics)) {
      const scope = scopeOf(sm.scope);
      for (const metric of list(sm.metrics)) out.push(metricOf(metric, resource, scope));
    }
  }
  return out;
}
