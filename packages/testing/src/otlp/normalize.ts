import {
  anyValue,
  attributes,
  enumNumber,
  hex,
  type Json,
  list,
  nanos,
  num,
  obj,
  scopeOf,
  str,
} from './normalize-values.js';
import type { ReceivedLogRecord, ReceivedSpan, SpanKindName } from './telemetry-types.js';

/** Flattens OTLP/JSON-shaped export requests into the normalized spans and log records. */

const SPAN_KINDS: SpanKindName[] = [
  'UNSPECIFIED',
  'INTERNAL',
  'SERVER',
  'CLIENT',
  'PRODUCER',
  'CONSUMER',
];

function durationMs(start: string, end: string): number {
  try {
    return Number(BigInt(end) - BigInt(start)) / 1e6;
  } catch {
    return Number.NaN;
  }
}

export function spansOf(body: Json): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of list(body.resourceSpans)) {
    const resource = attributes(obj(rs.resource).attributes);
    for (const ss of list(rs.scopeSpans)) {
      const scope = scopeOf(ss.scope);
      for (const span of list(ss.spans)) {
        const kind = enumNumber(span.kind, SPAN_KINDS, 'SPAN_KIND_');
        const status = obj(span.status);
        const start = nanos(span.startTimeUnixNano);
        const end = nanos(span.endTimeUnixNano);
        out.push({
          traceId: hex(span.traceId),
          spanId: hex(span.spanId),
          parentSpanId: hex(span.parentSpanId),
          name: str(span.name),
          kind,
          kindName: SPAN_KINDS[kind] ?? 'UNSPECIFIED',
          attributes: attributes(span.attributes),
          status: {
            code: enumNumber(status.code, ['UNSET', 'OK', 'ERROR'], 'STATUS_CODE_'),
            message: str(status.message),
          },
          events: list(span.events).map((event) => ({
            name: str(event.name),
            timeUnixNano: nanos(event.timeUnixNano),
            attributes: attributes(event.attributes),
          })),
          links: list(span.links).map((link) => ({
            traceId: hex(link.traceId),
            spanId: hex(link.spanId),
            attributes: attributes(link.attributes),
          })),
          startTimeUnixNano: start,
          endTimeUnixNano: end,
          durationMs: durationMs(start, end),
          resource,
          scope,
        });
      }
    }
  }
  return out;
}

export function logsOf(body: Json): ReceivedLogRecord[] {
  const out: ReceivedLogRecord[] = [];
  for (const rl of list(body.resourceLogs)) {
    const resource = attributes(obj(rl.resource).attributes);
    for (const sl of list(rl.scopeLogs)) {
      const scope = scopeOf(sl.scope);
      for (const record of list(sl.logRecords)) {
        out.push({
          timeUnixNano: nanos(record.timeUnixNano),
          observedTimeUnixNano: nanos(record.observedTimeUnixNano),
          severityNumber: num(record.severityNumber),
          severityText: str(record.severityText),
          body: record.body === undefined ? null : anyValue(record.body),
          attributes: attributes(record.attributes),
          eventName: str(record.eventName),
          traceId: hex(record.traceId),
          spanId: hex(record.spanId),
          resource,
          scope,
        });
      }
    }
  }
  return out;
}
