import type { Attributes, Span } from '@opentelemetry/api';
import { SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { ATTR } from '../constants';
import type { ContentPolicy } from '../content';
import type { PriceBook } from '../cost/price-book';
import type { MetricSet } from '../metrics/metric-set';
import type { Exemplar } from '../metrics/prom-sink';
import type { OperationLog } from '../operation-log';
import { errorMessage } from '../sanitize';
import { scrubSecrets } from '../secrets';
import type { SemconvMode } from '../types';

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

/** Sets only defined attributes (undefined values are not valid OTel attributes). */
export function setDefined(target: Attributes, key: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    target[key] = value;
  } else if (Array.isArray(value)) {
    target[key] = value as string[];
  }
}

/** Marks a span failed: status ERROR, error.type and an exception event. */
export function failSpan(span: Span, error: unknown, type: string): void {
  if (!span.isRecording()) return;
  span.setAttribute(ATTR.ERROR_TYPE, type);
  // The user's error stays untouched; what is recorded of it is scrubbed of credentials.
  const message = scrubSecrets(errorMessage(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : undefined;
  // As the SDK would record the Error itself: a `code` (e.g. an APIError's) names the type.
  const code = (error as { code?: unknown } | null)?.code;
  span.recordException({
    name: error instanceof Error ? error.name : type,
    message,
    ...((typeof code === 'string' || typeof code === 'number') && { code }),
    ...(stack !== undefined && { stack: scrubSecrets(stack.slice(0, 8192)) }),
  });
}
