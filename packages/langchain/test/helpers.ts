import type { MetricData, ReadableSpan, ResourceMetrics } from '@llmeter/testing/in-memory';

/** Spans by name (first match), failing loudly when absent. */
export function spanNamed(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = spans.find((s) => s.name === name);
  if (!found) throw new Error(`no span "${name}" in: ${spans.map((s) => s.name).join(', ')}`);
  return found;
}

export function spansNamed(spans: ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((s) => s.name === name);
}

function parentIdOf(span: ReadableSpan): string | undefined {
  const s = span as unknown as {
    parentSpanContext?: { spanId?: string };
    parentSpanId?: string;
  };
  return s.parentSpanContext?.spanId ?? s.parentSpanId;
}

export function parentOf(spans: ReadableSpan[], span: ReadableSpan): ReadableSpan | undefined {
  const id = parentIdOf(span);
  return id === undefined ? undefined : spans.find((s) => s.spanContext().spanId === id);
}

export function isChildOf(child: ReadableSpan, parent: ReadableSpan): boolean {
  return (
    parentIdOf(child) === parent.spanContext().spanId &&
    child.spanContext().traceId === parent.spanContext().traceId
  );
}

/** Indented names, children in start order: a readable picture of the tree for assertions. */
export function tree(spans: ReadableSpan[]): string {
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const byStart = [...spans].sort(
    (a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1],
  );
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const span of byStart) {
      const p = parentIdOf(span);
      const isRoot = p === undefined || !ids.has(p);
      if ((parent === undefined && isRoot) || (parent !== undefined && p === parent)) {
        lines.push(`${'  '.repeat(depth)}${span.name}`);
        walk(span.spanContext().spanId, depth + 1);
      }
    }
  };
  walk(undefined, 0);
  return lines.join('\n');
}

interface HistogramPoint {
  attributes: Record<string, unknown>;
  value: { count: number; sum?: number };
}

/** Histogram data points of one instrument, optionally filtered by attributes. */
export function points(
  metric: MetricData | undefined,
  where: Record<string, unknown> = {},
): HistogramPoint[] {
  const all = (metric?.dataPoints ?? []) as unknown as HistogramPoint[];
  return all.filter((p) => Object.entries(where).every(([k, v]) => p.attributes[k] === v));
}

export function count(metric: MetricData | undefined, where: Record<string, unknown> = {}): number {
  return points(metric, where).reduce((n, p) => n + p.value.count, 0);
}

export function sum(metric: MetricData | undefined, where: Record<string, unknown> = {}): number {
  return points(metric, where).reduce((n, p) => n + (p.value.sum ?? 0), 0);
}

/** Sum of a counter's (or up-down counter's) data points. */
export function total(metric: MetricData | undefined): number {
  return (metric?.dataPoints ?? []).reduce((n, p) => n + Number(p.value), 0);
}

export type { ResourceMetrics };
