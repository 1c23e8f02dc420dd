import {
  type Context,
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  type Span,
  trace,
} from '@opentelemetry/api';

/**
 * The key under which `@opentelemetry/api` keeps a context's span
 * (`createContextKey` is `Symbol.for`, so the same symbol is ours too).
 * Checked once against the API in use: if it ever differs, operations fall
 * back to the API's own contexts.
 */
const SPAN_KEY = Symbol.for('OpenTelemetry Context Key SPAN');
const spanKeyHolds = (() => {
  const probe = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
  return trace.getSpan(ROOT_CONTEXT.setValue(SPAN_KEY, probe)) === probe;
})();

/**
 * What an operation makes active: its parent's entries plus its span and the
 * operation itself under its context key, read through to the parent.
 *
 * Why not `trace.setSpan(parent, span).setValue(key, op)`: each of those
 * makes a context that copies the parent's whole `Map` and allocates three
 * closures, twice per call on the hot path. A derived context (`setValue`,
 * `deleteValue`: a nested operation, another instrumentation's span) is the
 * API's own, built from this one's entries, so a chain never grows past one.
 */
class OperationContext implements Context {
  constructor(
    private readonly parent: Context,
    private readonly span: Span,
    private readonly key: symbol | undefined,
    private readonly link: unknown,
  ) {}

  getValue(key: symbol): unknown {
    if (key === SPAN_KEY) return this.span;
    if (key === this.key) return this.link;
    return this.parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return this.standard().setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return this.standard().deleteValue(key);
  }

  private standard(): Context {
    return apiContext(this.parent, this.span, this.key, this.link);
  }
}

/** The same entries in the API's own contexts. */
function apiContext(parent: Context, span: Span, key: symbol | undefined, link: unknown): Context {
  const withSpan = trace.setSpan(parent, span);
  return key === undefined ? withSpan : withSpan.setValue(key, link);
}

/** `parent` with `span` active and, under `key`, the operation that owns it. */
export function operationContext(
  parent: Context,
  span: Span,
  key?: symbol,
  link?: unknown,
): Context {
  return spanKeyHolds
    ? new OperationContext(parent, span, key, link)
    : apiContext(parent, span, key, link);
}
