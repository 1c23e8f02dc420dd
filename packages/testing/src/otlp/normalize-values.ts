import type { Attributes, AttributeValue } from './telemetry-types.js';

/*
 * Readers for the OTLP/JSON shape (what the JSON exporters send, and what
 * proto.ts turns protobuf into). Tolerant by design: a receiver under test
 * must show what arrived, not reject it.
 */

export type Json = Record<string, unknown>;

export const obj = (value: unknown): Json =>
  value !== null && typeof value === 'object' ? (value as Json) : {};
export const list = (value: unknown): Json[] => (Array.isArray(value) ? value.map(obj) : []);
export const str = (value: unknown): string => (typeof value === 'string' ? value : '');
/** int64 arrives as a decimal string (protobuf, JSON) or a number (some JSON encoders). */
export const num = (value: unknown): number =>
  value === undefined || value === null ? 0 : Number(value);
export const optNum = (value: unknown): number | undefined =>
  value === undefined || value === null ? undefined : Number(value);
export const nanos = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : '0';
export const hex = (value: unknown): string => str(value).toLowerCase();

export function anyValue(value: unknown): AttributeValue {
  const v = obj(value);
  if ('stringValue' in v) return str(v.stringValue);
  if ('boolValue' in v) return v.boolValue === true || v.boolValue === 'true';
  if ('intValue' in v) return num(v.intValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('arrayValue' in v) return list(obj(v.arrayValue).values).map(anyValue);
  if ('kvlistValue' in v) return attributes(obj(v.kvlistValue).values);
  if ('bytesValue' in v) return new Uint8Array(Buffer.from(str(v.bytesValue), 'base64'));
  return null;
}

export function attributes(keyValues: unknown): Attributes {
  const out: Attributes = {};
  for (const kv of list(keyValues)) out[str(kv.key)] = anyValue(kv.value);
  return out;
}

export const scopeOf = (scope: unknown) => ({
  name: str(obj(scope).name),
  version: str(obj(scope).version),
});

/** OTLP/JSON carries enums as integers; tolerate the names some encoders write. */
export function enumNumber(value: unknown, names: readonly string[], prefix: string): number {
  if (typeof value === 'string' && Number.isNaN(Number(value))) {
    const index = names.indexOf(value.replace(prefix, ''));
    return Math.max(index, 0);
  }
  return num(value);
}
