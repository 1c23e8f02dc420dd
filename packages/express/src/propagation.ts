import type { IncomingHttpHeaders } from 'node:http';
import type { Context, TextMapGetter, TextMapPropagator } from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';

/**
 * The propagator the middleware extracts with: B3 first (single `b3` or
 * multi `X-B3-*`, whichever the caller sent), then W3C trace context, so a
 * request carrying both continues the W3C trace, then W3C baggage. Built by
 * the middleware itself rather than read from the global propagator, which
 * llmeter only sets when the application had none and which carries no B3.
 */
export function createRequestPropagator(): TextMapPropagator {
  return new CompositePropagator({
    propagators: [
      new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
      new W3CTraceContextPropagator(),
      new W3CBaggagePropagator(),
    ],
  });
}

/** Node lower-cases incoming header names; propagators may ask in any case. */
export const headerGetter: TextMapGetter<IncomingHttpHeaders> = {
  get(carrier, key) {
    return carrier[key.toLowerCase()];
  },
  keys(carrier) {
    return Object.keys(carrier);
  },
};

/** The incoming trace context of a request, on top of `base`. */
export function extractRequestContext(
  propagator: TextMapPropagator,
  base: Context,
  headers: IncomingHttpHeaders,
): Context {
  return propagator.extract(base, headers, headerGetter);
}
