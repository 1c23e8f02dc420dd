import { ATTR, METRIC } from '@llmeter/core';
import { trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY, collect, type Harness, harness, MODEL, onlySpan, SDKS } from './helpers';

/**
 * The SDK traces itself (≥ 0.134) through the global tracer provider, which
 * llmeter's init() registers: each call must still give one GenAI span, one
 * count in every metric, and trace headers that name llmeter's span.
 */
let h: Harness;
beforeAll(async () => {
  h = await harness();
  expect(trace.getTracerProvider()).toBeDefined();
});
afterAll(async () => {
  await h.close();
});

function traceparentOf(headers: Record<string, unknown>): string | undefined {
  const value = headers.traceparent;
  return typeof value === 'string' ? value : undefined;
}

const parentOf = (span: { spanContext(): { traceId: string; spanId: string } }) =>
  `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;

describe.each(SDKS)('the SDK tracing itself, on $name', (sdk) => {
  it('with its tracing on: one GenAI span (llmeter’s), and the request’s traceparent names it', async () => {
    const client = h.client(sdk);
    expect(client._tracer).toBeDefined(); // the SDK's tracing is on
    h.mock.reset();
    await client.messages.create(BODY);
    const { spans, metrics } = await h.drain();
    const span = onlySpan(spans);
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(traceparentOf(h.mock.requests[0]!.headers)).toBe(parentOf(span));
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(1);
  });

  it('with its tracing on: the stream helper too, although it starts its span before create()', async () => {
    const client = h.client(sdk);
    h.mock.reset();
    await client.messages.stream(BODY).finalMessage();
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.REQUEST_STREAM]).toBe(true);
    expect(traceparentOf(h.mock.requests[0]!.headers)).toBe(parentOf(span));
  });

  it('with its tracing on: the stream helper inside a span of the caller’s, headers naming llmeter’s span', async () => {
    const client = h.client(sdk);
    h.mock.reset();
    const tracer = trace.getTracer('app');
    await tracer.startActiveSpan('handle request', async (parent) => {
      await client.messages.stream(BODY).finalMessage();
      parent.end();
    });
    const spans = (await h.drain()).spans;
    expect(spans.map((s) => s.name)).toEqual([`chat ${MODEL}`, 'handle request']);
    const [chat, parent] = spans;
    expect(chat?.parentSpanContext?.spanId).toBe(parent?.spanContext().spanId);
    expect(traceparentOf(h.mock.requests[0]!.headers)).toBe(parentOf(chat!));
  });

  it('with its tracing on: streamed create() and beta.messages too', async () => {
    const client = h.client(sdk);
    await collect(await client.messages.create({ ...BODY, stream: true }));
    await client.beta.messages.create(BODY);
    const { spans, metrics } = await h.drain();
    expect(spans.map((s) => s.name)).toEqual([`chat ${MODEL}`, `chat ${MODEL}`]);
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(2);
  });

  it('with its tracing on: countTokens keeps the SDK’s own span, and nothing of llmeter’s', async () => {
    const client = h.client(sdk);
    await client.messages.countTokens({ model: MODEL, messages: BODY.messages });
    const { spans, metrics } = await h.drain();
    expect(spans.map((s) => s.name)).toEqual(['anthropic.messages.count_tokens']);
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(0);
  });

  it('with its tracing off (openTelemetry: false): one span, no trace headers from the SDK', async () => {
    const client = h.client(sdk, {}, { openTelemetry: false });
    expect(client._tracer).toBeUndefined();
    h.mock.reset();
    await client.messages.create(BODY);
    await client.messages.stream(BODY).finalMessage();
    const { spans, metrics } = await h.drain();
    expect(spans.map((s) => s.name)).toEqual([`chat ${MODEL}`, `chat ${MODEL}`]);
    expect(h.mock.requests.map((r) => traceparentOf(r.headers))).toEqual([undefined, undefined]);
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(2);
  });

  it('with its tracing on and propagation off: one span, no trace headers', async () => {
    const client = h.client(sdk, {}, { openTelemetry: { propagation: false } });
    h.mock.reset();
    await client.messages.create(BODY);
    expect(onlySpan((await h.drain()).spans).name).toBe(`chat ${MODEL}`);
    expect(traceparentOf(h.mock.requests[0]!.headers)).toBeUndefined();
  });
});

describe('the SDK tracing itself, with llmeter stopped', () => {
  it('gets its own spans back, to a tracer provider of its own', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new TracerProvider({
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    const client = h.client(SDKS[0], {}, { openTelemetry: { tracerProvider } });
    await client.messages.create(BODY);
    expect(exporter.getFinishedSpans()).toEqual([]); // replaced while llmeter runs
    expect(onlySpan((await h.drain()).spans).name).toBe(`chat ${MODEL}`);
    await h.t.shutdown();
    await client.messages.create(BODY);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['anthropic.messages.create']);
  });
});
