import protobuf from 'protobufjs';
import { OTLP_PROTO_SOURCES } from './proto-schema.js';
import type { OtlpSignal } from './telemetry-types.js';

const REQUEST_TYPE_NAMES: Record<OtlpSignal, string> = {
  traces: 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
  metrics: 'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
  logs: 'opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest',
};

let requestTypes: Record<OtlpSignal, protobuf.Type> | undefined;

/** Parsed on first use, so importing the package for the mock LLM alone costs nothing. */
function typeFor(signal: OtlpSignal): protobuf.Type {
  if (!requestTypes) {
    const root = new protobuf.Root();
    for (const source of OTLP_PROTO_SOURCES) protobuf.parse(source, root, { keepCase: false });
    root.resolveAll();
    requestTypes = {
      traces: root.lookupType(REQUEST_TYPE_NAMES.traces),
      metrics: root.lookupType(REQUEST_TYPE_NAMES.metrics),
      logs: root.lookupType(REQUEST_TYPE_NAMES.logs),
    };
  }
  return requestTypes[signal];
}

const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** OTLP/JSON writes trace and span ids as hex, where proto3 JSON would use base64. */
function idsToHex(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(idsToHex);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] =
      ID_KEYS.has(key) && typeof inner === 'string'
        ? Buffer.from(inner, 'base64').toString('hex')
        : idsToHex(inner);
  }
  return out;
}

/**
 * Decodes a binary Export*ServiceRequest into the OTLP/JSON shape, so the
 * protobuf and JSON paths share one normalizer: camelCase keys, hex ids,
 * 64-bit integers as decimal strings, bytes values as base64.
 */
export function decodeExportRequest(
  signal: OtlpSignal,
  bytes: Uint8Array,
): Record<string, unknown> {
  return decodeExportRequestLazily(signal, bytes)();
}

/**
 * Reads the wire format now (it throws on bytes that are not a valid
 * message, so a receiver can refuse them), and builds the OTLP/JSON shape,
 * the costly part, only when first asked for, once.
 */
export function decodeExportRequestLazily(
  signal: OtlpSignal,
  bytes: Uint8Array,
): () => Record<string, unknown> {
  const type = typeFor(signal);
  const message = type.decode(bytes);
  let plain: Record<string, unknown> | undefined;
  return () => {
    plain ??= idsToHex(type.toObject(message, { longs: String, bytes: String })) as Record<
      string,
      unknown
    >;
    return plain;
  };
}

/** Gives `request.body` a getter that runs `decode` on first read (see decodeExportRequestLazily). */
export function setLazyBody(
  request: { body: Record<string, unknown> },
  decode: () => Record<string, unknown>,
): void {
  Object.defineProperty(request, 'body', {
    get: decode,
    set(value: Record<string, unknown>) {
      Object.defineProperty(request, 'body', { value, writable: true, enumerable: true });
    },
    enumerable: true,
    configurable: true,
  });
}

/**
 * An Export*ServiceResponse without `partial_success`, which OTLP defines as
 * full success; its protobuf encoding is zero bytes.
 */
export const EMPTY_EXPORT_RESPONSE: Buffer = Buffer.alloc(0);
