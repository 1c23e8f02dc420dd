import { context, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

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
export function createLogger(options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  const withCorrelation: LoggerOptions = {
    ...options,
    mixin: (mergeObject, level, logger) => ({
      ...traceCorrelationMixin(),
      ...(options.mixin ? options.mixin(mergeObject, level, logger) : {}),
    }),
  };
  return destination ? pino(withCorrelation, destination) : pino(withCorrelation);
}

/**
 * stdout as pino's asynchronous SonicBoom, as pino's default is, but bounded:
 * the default has no `maxLength`, so while stdout falls behind a sustained load
 * its buffer grows for as long as the load lasts (a 200k-operation loop reached
 * 99 MB). Past `maxBytes` unwritten, SonicBoom drops the line and emits `drop`.
 * Where something replaced `process.stdout.write` (a test capturing output, a
 * log shipper's hook), pino writes through it, as it does by default.
 */
export function boundedStdout(maxBytes: number, onDrop: () => void): DestinationStream | undefined {
  if (process.stdout.write !== Object.getPrototypeOf(process.stdout).write) return undefined;
  const stream = pino.destination({
    dest: process.stdout.fd ?? 1,
    sync: false,
    maxLength: maxBytes,
  });
  stream.on('drop', onDrop);
  return stream;
}
