import type { Attributes, AttributeValue, Context, Link, Span } from '@opentelemetry/api';
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
import { writeSdkSpanAttribute } from './own-span';

/** What every operation needs from the recorder. */
export interface RecorderDeps {
  tracer: import('@opentelemetry/api').Tracer;
  metrics: MetricSet | undefined;
  prices: PriceBook;
  content: ContentPolicy;
  log: OperationLog | undefined;
  semconv: SemconvMode;
  /**
   * Nothing reads a span's attributes at its start: llmeter's own provider,
   * the sampler from OTEL_TRACES_SAMPLER or a `sampler` option that decides on
   * the trace id alone, and only the SDK's batch or simple processors (see
   * setUpTraces). startSpan() then sets them after the start, once.
   */
  startAttributesUnread?: boolean;
  /**
   * Spans come from llmeter's own provider (@opentelemetry/sdk-trace at the
   * version llmeter pins): the inference span's attributes are then written
   * by setOwnSpanAttribute.
   */
  ownSpans?: boolean;
}

/** What an operation's span starts with. */
export interface SpanStart {
  kind: SpanKind;
  attributes: Attributes;
  startTime: number;
  links?: Link[];
}

/**
 * `deps.tracer.startSpan`, with the start attributes set after the start
 * where nothing reads them before it (RecorderDeps.startAttributesUnread).
 * Why: the SDK cleans start attributes twice, once for the sampler and once
 * for the span, each an `Object.entries` walk and a WeakSet per value, also
 * for a span sampled out. Set after the start they are checked once, by
 * `setAttribute`, in the same order, with the same limits, and a span
 * sampled out gets none: llmeter's allocation per openai call fell from
 * 17.4 to 15.6 KB (allocations.mjs, llmeter+log against baseline).
 */
export function startSpan(
  deps: RecorderDeps,
  name: string,
  start: SpanStart,
  parent: Context,
): Span {
  if (!deps.startAttributesUnread) return deps.tracer.startSpan(name, start, parent);
  const span = deps.tracer.startSpan(
    name,
    start.links === undefined
      ? { kind: start.kind, startTime: start.startTime }
      : { kind: start.kind, startTime: start.startTime, links: start.links },
    parent,
  );
  if (span.isRecording()) {
    const attributes = start.attributes;
    // for-in, not Object.keys: no array per call. Plain objects built here, nothing inherited.
    if (deps.ownSpans)
      for (const key in attributes) setOwnSpanAttribute(span, key, attributes[key]);
    else for (const key in attributes) span.setAttribute(key, attributes[key] as AttributeValue);
  }
  return span;
}

/** Fixed for the thread's life; Node's getter returns a new number on every read. */
const TIME_ORIGIN = performance.timeOrigin;

/** performance.now() → epoch milliseconds, the time input spans take. */
export function epochMs(perfNow: number): number {
  return TIME_ORIGIN + perfNow;
}

/** `{trace_id, span_id}` of a sampled span, for exemplars. */
export function exemplarOf(span: Span): Exemplar | undefined {
  const ctx = span.spanContext();
  return ctx.traceFlags & TraceFlags.SAMPLED
    ? { trace_id: ctx.traceId, span_id: ctx.spanId }
    : undefined;
}

/** The value as an OTel attribute value, or undefined where it is none (undefined, null, an object). */
function attributeValue(value: unknown): string | number | boolean | string[] | undefined {
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
 * setSpanAttribute for a span of llmeter's own provider (RecorderDeps.ownSpans):
 * a string, number or boolean goes straight into the SDK span where
 * writeSdkSpanAttribute can write it (own-span.ts), anything else through
 * `setAttribute`.
 */
export function setOwnSpanAttribute(span: Span, key: string, value: unknown): void {
  const v = attributeValue(value);
  if (v === undefined) return;
  if (Array.isArray(v) || !writeSdkSpanAttribute(span, key, v)) {
    span.setAttribute(key, v);
  }
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
  const span = startSpan(
    deps,
    `${operation} ${name}`,
    { kind: SpanKind.INTERNAL, attributes: all, startTime: epochMs(startTime) },
    parent,
  );
  return { span, context: operationContext(parent, span) };
}
