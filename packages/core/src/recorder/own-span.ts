import type { AttributeValue, Span } from '@opentelemetry/api';

/**
 * The fields of `@opentelemetry/sdk-trace`'s span (SpanImpl, 3.1) that its
 * `setAttribute` reads and writes. llmeter pins that package exactly; each
 * field is checked before use, so a span without them (another SDK, a
 * non-recording span, a renamed field after an upgrade) takes `setAttribute`.
 */
interface SdkSpanFields {
  attributes?: Record<string, AttributeValue | undefined>;
  _attributesCount?: number;
  _ended?: boolean;
  _spanLimits?: { attributeCountLimit: number; attributeValueLengthLimit: number };
}

/**
 * `span.setAttribute(key, value)` for a span of llmeter's own provider
 * (RecorderDeps.ownSpans): a string, number or boolean is written the way
 * the SDK's `setAttribute` writes it (same key order, same count limit, kept
 * only where it needs no truncation); anything else goes through
 * `setAttribute`. Why: in @opentelemetry/core 3.1 `setAttribute` builds an
 * options object and, in `isAnyValue`, a `WeakSet` for every value,
 * primitives included: 3.1 KB of the 15.7 KB llmeter allocated per openai
 * call (allocations.mjs, llmeter+log against baseline: 15,659 → 12,562 B).
 */
export function setOwnSpanAttribute(span: Span, key: string, value: unknown): void {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    const s = span as SdkSpanFields;
    const attributes = s.attributes;
    const limits = s._spanLimits;
    const count = s._attributesCount;
    if (
      s._ended === false &&
      attributes !== undefined &&
      limits !== undefined &&
      typeof count === 'number' &&
      key !== '' &&
      (typeof value !== 'string' || value.length <= limits.attributeValueLengthLimit)
    ) {
      if (Object.hasOwn(attributes, key)) {
        attributes[key] = value;
        return;
      }
      if (count < limits.attributeCountLimit) {
        attributes[key] = value;
        s._attributesCount = count + 1;
        return;
      }
    }
    span.setAttribute(key, value);
  } else if (Array.isArray(value)) {
    span.setAttribute(key, value as string[]);
  }
}
