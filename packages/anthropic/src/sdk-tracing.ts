import type { LLMOperation } from '@llmeter/core';
import { getRecorder, reportInternalError } from '@llmeter/core/internal';
import {
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  type Span,
  type SpanOptions,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { SDK_MESSAGES_SPAN, SDK_TRACER } from './constants';

/**
 * `@anthropic-ai/sdk` ≥ 0.134 traces itself: each API call starts an
 * `anthropic.messages.create` CLIENT span (with GenAI attributes) from the
 * tracer it keeps in `client._tracer`, taken from the global tracer provider
 * that llmeter's `init()` registers, and sends that span's `traceparent`
 * with the request. With llmeter's own GenAI span that would be two GenAI
 * spans per call.
 *
 * So, on a client llmeter measures, the SDK's tracer is wrapped: for
 * `anthropic.messages.create` it returns a non-recording span that carries
 * the context of llmeter's span, so the SDK records nothing of its own
 * (its recording steps skip a span that does not record) and its trace
 * headers carry llmeter's span. Every other span of the SDK (count_tokens,
 * files, batches, the tool runner's) is its own, as before. When llmeter is
 * off, or the instrumentation is disabled, the wrapper hands every span to
 * the SDK's tracer. A client built with `openTelemetry: false` (or
 * ANTHROPIC_OPEN_TELEMETRY=false) has no tracer and is left alone.
 */

type TracingClient = { _tracer?: unknown };
type StandIn = Tracer & { [SDK_TRACER]: Tracer };

/** The stand-in spans handed to the SDK, so a call can swap them for its own span's context. */
const standIns = new WeakSet<object>();

export function replaceSdkMessagesSpans(client: unknown, active: () => boolean): void {
  try {
    wrapTracer(client as TracingClient | null, active);
  } catch (error) {
    reportInternalError('anthropic.sdkTracer', error);
  }
}

function wrapTracer(c: TracingClient | null, active: () => boolean): void {
  const tracer = c?._tracer as Partial<StandIn> | undefined;
  if (!tracer || typeof tracer.startSpan !== 'function' || tracer[SDK_TRACER]) return;
  const sdk = tracer as Tracer;
  const wrapper = {
    [SDK_TRACER]: sdk,
    startSpan(name: string, options?: SpanOptions, ctx?: Context): Span {
      if (name !== SDK_MESSAGES_SPAN || !active() || !getRecorder().enabled) {
        return sdk.startSpan(name, options, ctx);
      }
      const span = trace.wrapSpanContext(
        trace.getSpanContext(ctx ?? context.active()) ?? INVALID_SPAN_CONTEXT,
      );
      standIns.add(span);
      return span;
    },
    startActiveSpan(...args: unknown[]) {
      return Reflect.apply(sdk.startActiveSpan, sdk, args);
    },
  };
  Object.defineProperty(c, '_tracer', {
    value: wrapper,
    writable: true,
    configurable: true,
    enumerable: true,
  });
}

/**
 * `messages.stream()` starts the SDK's span before it calls `create`, so
 * outside llmeter's span: the stand-in it got then carries the caller's
 * context. Swap it, in a copy of the request options, for one that carries
 * the operation's span, so the trace headers name llmeter's span.
 */
export function withOwnSpan(args: unknown[], op: LLMOperation): unknown[] {
  const options = args[1] as { __span?: { span?: unknown } } | null | undefined;
  const call = options?.__span;
  if (!call || typeof call.span !== 'object' || call.span === null || !standIns.has(call.span))
    return args;
  const span = trace.wrapSpanContext(op.span.spanContext());
  standIns.add(span);
  const copy = args.slice();
  copy[1] = { ...options, __span: { ...call, span } };
  return copy;
}
