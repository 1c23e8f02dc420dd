import { context, trace } from '@opentelemetry/api';
import pino, { type Logger, type LoggerOptions } from 'pino';

/**
 * Adds `trace_id` and `span_id` (the field names Loki/Grafana derived fields
 * expect) to every line logged while a span is active. Pass it as pino's
 * `mixin` to give an application's own logger the same correlation:
 * `pino({ mixin: traceCorrelationMixin })`.
 */
export function traceCorrelationMixin(): Record<string, string> {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const ctx = span.spanContext();
  if (!trace.isSpanContextValid(ctx)) return {};
  return { trace_id: ctx.traceId, span_id: ctx.spanId };
}

/** llmeter's pino: JSON on stdout with trace correlation. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino({
    ...options,
    mixin: (mergeObject, level, logger) => ({
      ...traceCorrelationMixin(),
      ...(options.mixin ? options.mixin(mergeObject, level, logger) : {}),
    }),
  });
}
