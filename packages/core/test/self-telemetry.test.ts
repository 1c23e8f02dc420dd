import { ExportResultCode } from '@opentelemetry/core';
import { AggregationTemporality, InstrumentType } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  countingMetricExporter,
  countingSpanExporter,
  queueDropListener,
  SelfTelemetry,
} from '../src/export/self-telemetry';
import { internalLogger, resetReported } from '../src/internal-log';
import type { MetricSet } from '../src/metrics/metric-set';

/** A MetricSet stand-in that keeps what llmeter counts about itself. */
function recordingMetrics() {
  const calls: Array<{ key: string; value: number; attributes: Record<string, unknown> }> = [];
  const metrics = {
    record: (key: string, value: number, attributes: Record<string, unknown>) =>
      calls.push({ key, value, attributes }),
  } as unknown as MetricSet;
  const total = (key: string, attr?: [string, string]) =>
    calls
      .filter((c) => c.key === key && (!attr || c.attributes[attr[0]] === attr[1]))
      .reduce((n, c) => n + c.value, 0);
  return { metrics, calls, total };
}

afterEach(() => {
  vi.restoreAllMocks();
  resetReported();
});

describe('self-telemetry', () => {
  it('counts spans dropped on a full queue, through the batch processor hook', async () => {
    const self = new SelfTelemetry();
    const { metrics, total } = recordingMetrics();
    self.attach(metrics);
    const never: SpanExporter = { export: () => {}, shutdown: async () => {} }; // a hanging collector
    const processor = new BatchSpanProcessor({
      exporter: never,
      maxQueueSize: 4,
      maxExportBatchSize: 4,
      scheduledDelayMillis: 60_000,
      selfObsMeterProvider: queueDropListener(self),
    });
    const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('t');
    for (let i = 0; i < 10; i++) tracer.startSpan(`s${i}`).end();
    // 4 went out in the (never-answered) export, 4 wait in the queue, 2 found it full.
    expect(total('spansDropped', ['error.type', 'queue_full'])).toBe(2);
  });

  it('counts failed span exports and their spans, logs the first failure once, and the recovery', () => {
    const self = new SelfTelemetry();
    const { metrics, total } = recordingMetrics();
    const warn = vi.spyOn(internalLogger(), 'warn');
    const info = vi.spyOn(internalLogger(), 'info');
    let code = ExportResultCode.FAILED;
    const inner: SpanExporter = {
      export: (_spans, done) => done({ code, error: new Error('refused') }),
      shutdown: async () => {},
    };
    const exporter = countingSpanExporter(inner, self);
    const results: number[] = [];
    // Counted before the sinks exist, recorded once they are attached.
    exporter.export([{} as never, {} as never], (r) => results.push(r.code));
    self.attach(metrics);
    exporter.export([{} as never], (r) => results.push(r.code));
    code = ExportResultCode.SUCCESS;
    exporter.export([{} as never], (r) => results.push(r.code));
    expect(results).toEqual([
      ExportResultCode.FAILED,
      ExportResultCode.FAILED,
      ExportResultCode.SUCCESS,
    ]);
    expect(total('exportsFailed', ['llmeter.signal', 'traces'])).toBe(2);
    expect(total('spansDropped', ['error.type', 'export_failed'])).toBe(3);
    expect(
      warn.mock.calls.filter((c) => String(c[1]).includes('traces export failed')),
    ).toHaveLength(1);
    expect(
      info.mock.calls.filter((c) => String(c[1]).includes('traces export recovered')),
    ).toHaveLength(1);
  });

  it("keeps the metric exporter's temporality (delta) and counts its failures", () => {
    const self = new SelfTelemetry();
    const { metrics, total } = recordingMetrics();
    self.attach(metrics);
    const inner = {
      export: (_m: unknown, done: (r: { code: ExportResultCode }) => void) =>
        done({ code: ExportResultCode.FAILED }),
      forceFlush: async () => {},
      shutdown: async () => {},
      selectAggregationTemporality: () => AggregationTemporality.DELTA,
    };
    const exporter = countingMetricExporter(inner as never, self);
    expect(exporter.selectAggregationTemporality?.(InstrumentType.HISTOGRAM)).toBe(
      AggregationTemporality.DELTA,
    );
    exporter.export({} as never, () => {});
    expect(total('exportsFailed', ['llmeter.signal', 'metrics'])).toBe(1);
  });
});
