import { createNoopMeter, type Meter, type MeterProvider } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { ATTR } from '../constants';
import { errorMessage } from '../failure';
import { internalLog, warnOnce } from '../internal-log';
import type { MetricSet } from '../metrics/metric-set';

export type Signal = 'traces' | 'metrics';
export const DROP_REASON = { QUEUE_FULL: 'queue_full', EXPORT_FAILED: 'export_failed' } as const;

/**
 * llmeter's own health: spans it had to drop, exports that failed, measurements
 * sent to the overflow series. Recorded on /metrics (which keeps working when
 * the collector does not) and on OTLP. The exporters are built before the
 * metric sinks, so the sinks are attached afterwards; anything counted before
 * that is kept and recorded on attach.
 */
export class SelfTelemetry {
  private metrics: MetricSet | undefined;
  private readonly pending: Array<(m: MetricSet) => void> = [];
  private readonly failing: Record<Signal, boolean> = { traces: false, metrics: false };

  attach(metrics: MetricSet): void {
    this.metrics = metrics;
    for (const record of this.pending.splice(0)) record(metrics);
  }

  spansDropped(count: number, reason: (typeof DROP_REASON)[keyof typeof DROP_REASON]): void {
    this.count((m) => m.record('spansDropped', count, { [ATTR.ERROR_TYPE]: reason }));
  }

  /** A measurement of `metricName` went to its overflow series. */
  metricOverflow(metricName: string): void {
    this.count((m) => m.record('metricOverflows', 1, { [ATTR.LLMETER_METRIC_NAME]: metricName }));
  }

  /** llmeter's stdout logger dropped lines: its buffer was full. */
  logLinesDropped(lines: number): void {
    this.count((m) => m.record('logLinesDropped', lines, {}));
  }

  /** One export finished: count a failure, and log the first one and each recovery. */
  exported(signal: Signal, result: ExportResult): void {
    if (result.code === ExportResultCode.SUCCESS) {
      if (this.failing[signal]) {
        this.failing[signal] = false;
        internalLog('info', `llmeter ${signal} export recovered`, { signal });
      }
      return;
    }
    this.count((m) => m.record('exportsFailed', 1, { [ATTR.LLMETER_SIGNAL]: signal }));
    if (!this.failing[signal]) {
      this.failing[signal] = true;
      warnOnce(
        `export:${signal}`,
        `llmeter ${signal} export failed; the application is unaffected, and later failures are only counted (llmeter_sdk_exports_failed_total)`,
        // A collector's or proxy's answer may echo the request's auth header: scrubbed.
        { signal, error: result.error === undefined ? undefined : errorMessage(result.error) },
      );
    }
  }

  private count(record: (m: MetricSet) => void): void {
    if (this.metrics) record(this.metrics);
    else if (this.pending.length < 100) this.pending.push(record);
  }
}

/**
 * The span exporter as the batch processor sees it, counting failed batches.
 * Everything else passes through: the OTLP exporter keeps its own retries.
 */
export function countingSpanExporter(exporter: SpanExporter, self: SelfTelemetry): SpanExporter {
  return {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
      exporter.export(spans, (result) => {
        self.exported('traces', result);
        if (result.code !== ExportResultCode.SUCCESS) {
          self.spansDropped(spans.length, DROP_REASON.EXPORT_FAILED);
        }
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

/** The metric exporter as the periodic reader sees it, counting failed exports. */
export function countingMetricExporter(
  exporter: PushMetricExporter,
  self: SelfTelemetry,
): PushMetricExporter {
  const counted: PushMetricExporter = {
    export(metrics: ResourceMetrics, done: (result: ExportResult) => void) {
      exporter.export(metrics, (result) => {
        self.exported('metrics', result);
        done(result);
      });
    },
    forceFlush: () => exporter.forceFlush(),
    shutdown: () => exporter.shutdown(),
  };
  // Temporality and aggregation choices are the OTLP exporter's (delta by default): keep them.
  if (exporter.selectAggregationTemporality) {
    counted.selectAggregationTemporality = exporter.selectAggregationTemporality.bind(exporter);
  }
  if (exporter.selectAggregation) {
    counted.selectAggregation = exporter.selectAggregation.bind(exporter);
  }
  return counted;
}

/**
 * A meter provider for the batch span processor's self-observability hook
 * (`selfObsMeterProvider`), which is the only place a full queue is reported.
 * It listens to `otel.sdk.processor.span.processed` for `error.type=queue_full`
 * and ignores the rest (export failures are counted by countingSpanExporter).
 */
export function queueDropListener(self: SelfTelemetry): MeterProvider {
  const noop = createNoopMeter();
  const meter: Meter = Object.create(noop);
  meter.createCounter = (name, options) => {
    if (name !== 'otel.sdk.processor.span.processed') return noop.createCounter(name, options);
    return {
      add(count, attributes) {
        if (attributes?.[ATTR.ERROR_TYPE] === DROP_REASON.QUEUE_FULL) {
          self.spansDropped(count, DROP_REASON.QUEUE_FULL);
        }
      },
    };
  };
  return { getMeter: () => meter };
}
