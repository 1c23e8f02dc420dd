import { type HrTime, ValueType } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import {
  AggregationTemporality,
  AggregationType,
  DataPointType,
  InstrumentType,
  type MetricData,
  type MetricReader,
} from '@opentelemetry/sdk-metrics';
import { warnOnce } from '../internal-log';
import type { InstrumentDefinition } from './definitions';
import type { Interval, OtelStream } from './otel-stream';

const INSTRUMENT_TYPE = {
  histogram: InstrumentType.HISTOGRAM,
  counter: InstrumentType.COUNTER,
  updowncounter: InstrumentType.UP_DOWN_COUNTER,
} as const;

/** What the SDK put in `MetricData.descriptor` for llmeter's instruments. */
function descriptorOf(def: InstrumentDefinition) {
  const histogram = def.kind === 'histogram';
  return {
    name: def.name,
    type: INSTRUMENT_TYPE[def.kind as keyof typeof INSTRUMENT_TYPE],
    description: def.description,
    unit: def.unit,
    valueType: def.integer ? ValueType.INT : ValueType.DOUBLE,
    advice: histogram ? { explicitBucketBoundaries: [...(def.buckets ?? [])] } : {},
  };
}

/**
 * llmeter's metrics as one OTel reader collects them: the OTLP view of core's
 * aggregation (prom-series.ts keeps the series, otel-stream.ts each reader's
 * uncollected part). It builds the same MetricData the OpenTelemetry SDK built
 * when llmeter recorded through its instruments: the reader's temporality per
 * instrument type, delta start times calibrated to the previous collection,
 * cumulative points merged collection by collection, series in order of first
 * measurement, nothing for a metric without points.
 */
export class ReaderView {
  private lastCollection: HrTime | undefined;
  private readonly streams: Array<{
    stream: OtelStream;
    descriptor: ReturnType<typeof descriptorOf>;
    temporality: AggregationTemporality;
  }> = [];

  constructor(
    streams: readonly OtelStream[],
    private readonly index: number,
    reader: MetricReader,
  ) {
    for (const stream of streams) {
      const type = INSTRUMENT_TYPE[stream.definition.kind as keyof typeof INSTRUMENT_TYPE];
      if (type === undefined) continue;
      const aggregation = reader.selectAggregation(type).type;
      if (aggregation === AggregationType.DROP) continue;
      if (aggregation !== AggregationType.DEFAULT) {
        warnOnce(
          'metrics:aggregation',
          "a metric reader selects a non-default aggregation: llmeter's metrics keep their own (explicit-bucket histograms and sums)",
          { instrumentType: type },
        );
      }
      this.streams.push({
        stream,
        descriptor: descriptorOf(stream.definition),
        temporality: reader.selectAggregationTemporality(type),
      });
    }
  }

  collect(): MetricData[] {
    const now = millisToHrTime(Date.now());
    const previous = this.lastCollection;
    this.lastCollection = now;
    const out: MetricData[] = [];
    for (const { stream, descriptor, temporality } of this.streams) {
      const cumulative = temporality === AggregationTemporality.CUMULATIVE;
      const histogram = stream.definition.kind === 'histogram';
      const boundaries = stream.definition.buckets ?? [];
      const points = [];
      for (const entry of stream.entries.values()) {
        const interval = entry.intervals[this.index]!;
        let reported: Interval | undefined;
        let startTime: HrTime | undefined;
        if (cumulative) {
          if (interval.recorded) {
            interval.total = interval.total ? interval.total.plus(interval) : interval.copy();
          }
          reported = interval.total;
          startTime = reported && millisToHrTime(reported.startMs);
        } else if (interval.recorded) {
          reported = interval.copy();
          startTime =
            interval.reportedLast && previous ? previous : millisToHrTime(interval.startMs);
          interval.reportedLast = true;
        } else {
          interval.reportedLast = false;
        }
        const firstSeen = interval.firstSeen;
        if (interval.recorded) interval.reset();
        if (reported === undefined || startTime === undefined) continue;
        points.push({
          firstSeen,
          attributes: entry.attributes,
          startTime,
          endTime: now,
          value: histogram ? histogramValue(reported, boundaries) : reported.sum,
        });
      }
      if (points.length === 0) continue;
      // The SDK lists a delta interval's series in the order they were first measured in it.
      if (!cumulative) points.sort((a, b) => a.firstSeen - b.firstSeen);
      const dataPoints = points.map(({ firstSeen: _, ...point }) => point);
      out.push(
        histogram
          ? {
              descriptor,
              aggregationTemporality: temporality,
              dataPointType: DataPointType.HISTOGRAM,
              dataPoints: dataPoints as never,
            }
          : {
              descriptor,
              aggregationTemporality: temporality,
              dataPointType: DataPointType.SUM,
              dataPoints: dataPoints as never,
              isMonotonic: stream.definition.kind === 'counter',
            },
      );
    }
    return out;
  }
}

function histogramValue(interval: Interval, boundaries: readonly number[]) {
  const hasMinMax = interval.count > 0;
  return {
    min: hasMinMax ? interval.min : undefined,
    max: hasMinMax ? interval.max : undefined,
    sum: interval.sum,
    buckets: { boundaries, counts: interval.counts ?? [] },
    count: interval.count,
  };
}
