import type { Span } from '@opentelemetry/api';

/**
 * The fields of `@opentelemetry/sdk-trace`'s span (SpanImpl, 3.1) that its
 * `setAttribute` reads and writes. llmeter pins that package exactly; each
 * field is checked before use, so a span without them (another SDK, a
 * non-recording span, a renamed field after an upgrade) is not written here.
 */
interface SdkSpanFields {
  attributes?: Record<string, unknown>;
  _attributesCount?: number;
  _ended?: boolean;
  _spanLimits?: { attributeCountLimit: number; attributeValueLengthLimit: number };
}

/**
 * Writes a string, number or boolean attribute into a span of llmeter's own
 * provider the way the SDK's `setAttribute` writes it (same key order, same
 * count limit), where it needs no truncation, no warning and no drop; returns
 * false where it wrote nothing and `setAttribute` must decide. Why: in
 * @opentelemetry/core 3.1 `setAttribute` builds an options object and, in
 * `isAnyValue`, a `WeakSet` for every value, primitives included
 * (allocations.mjs, llmeter+log against baseline: 15,659 → 13,329 B per
 * openai call).
 */
export function writeSdkSpanAttribute(
  span: Span,
  key: string,
  value: string | number | boolean,
): boolean {
  const s = span as SdkSpanFields;
  const attributes = s.attributes;
  const limits = s._spanLimits;
  const count = s._attributesCount;
  if (
    s._ended !== false ||
    attributes === undefined ||
    limits === undefined ||
    typeof count !== 'number' ||
    key === '' ||
    (typeof value === 'string' && value.length > limits.attributeValueLengthLimit)
  ) {
    return false;
  }
  if (Object.hasOwn(attributes, key)) {
    attributes[key] = value;
    return true;
  }
  if (count >= limits.attributeCountLimit) return false;
  attributes[key] = value;
  s._attributesCount = count + 1;
  return true;
}
