import type { Attributes, AttributeValue, Context, Span } from '@opentelemetry/api';
import { context, SpanKind, TraceFlags } from '@opentelemetry/api';
import { ATTR } from '../constants';
import type { ContentPolicy } from '../content';
import type { PriceBook } from '../cost/price-book';
import type { MetricSet } from '../metrics/metric-set';
import type { Exemplar } from '../metrics/prom-sink';
import type { OperationLog } from '../operation-log';
import * as clean from '../sanitize';
import type { SemconvMode } from '../types';
import { operationContext } from './operation-context';

/** What every operation needs from the recorder. */
export interface RecorderDeps {
  tracer: import('@opentelemetry/api').Tracer;
  metrics: MetricSet | undefined;
  prices: PriceBook;
  content: ContentPolicy;
  log: OperationLog | undefined;
  semconv: SemconvMode;
}

/** performance.now() → epoch milliseconds, the time input spans take. */
export function epochMs(perfNow: number): number {
  return performance.timeOrigin + perfNow;
}

/** `{trace_id, span_id}` of a sampled span, for exemplars. */
export function exemplarOf(span: Span): Exemplar | undefined {
  const ctx = span.spanContext();
  return ctx.traceFlags & TraceFlags.SAMPLED
    ? { trace_id: ctx.traceId, span_id: ctx.spanId }
    : undefined;
}

/** The value as an OTel attribute value, or undefined where it is none (undefined, null, an object). */
function attributeValue(value: unknown): AttributeValue | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return value;
  }
  return Array.isArray(value) ? (value as string[]) : undefined;
}

/** Sets only defined attributes (undefined values are not valid OTel attributes). */
export function setDefined(target: Attributes, key: string, value: unknown): void {
  const v = attributeValue(value);
  if (v !== undefined) target[key] = v;
}

/**
 * setDefined straight onto a span: no attribute object built and walked
 * again by `setAttributes` (one object and a for-in per call on the hot path).
 */
export function setSpanAttribute(span: Span, key: string, value: unknown): void {
  const v = attributeValue(value);
  if (v !== undefined) span.setAttribute(key, v);
}

/**
 * The INTERNAL span `{operation} {name}` of an operation with no metrics of
 * its own (a workflow, a retrieval), with the caller's extra attributes.
 */
export function startInternalSpan(
  deps: RecorderDeps,
  operation: string,
  name: string,
  attrs: Attributes,
  start: { parentContext?: Context; attributes?: Attributes; startTime?: number },
): { span: Span; context: Context } {
  const parent = start.parentContext ?? context.active();
  const all: Attributes = { [ATTR.OPERATION_NAME]: operation, ...attrs };
  const extra = start.attributes;
  if (extra && typeof extra === 'object') {
    for (const key of Object.keys(extra)) setDefined(all, key, extra[key]);
  }
  const startTime = clean.finiteNumber(start.startTime) ?? performance.now();
  const span = deps.tracer.startSpan(
    `${operation} ${name}`,
    { kind: SpanKind.INTERNAL, attributes: all, startTime: epochMs(startTime) },
    parent,
  );
  return { span, context: operationContext(parent, span) };
}
