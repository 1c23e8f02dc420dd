import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { type OtlpGrpcReceiver, startOtlpGrpcReceiver } from '@llmeter/testing';
import { context, SpanKind, SpanStatusCode, trace, ValueType } from '@opentelemetry/api';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

type ExporterConfig = NonNullable<ConstructorParameters<typeof OTLPTraceExporter>[0]>;
const GZIP = 'gzip' as NonNullable<ExporterConfig['compression']>;

let receiver: OtlpGrpcReceiver;
beforeAll(async () => {
  receiver = await startOtlpGrpcReceiver();
});
afterEach(() => {
  receiver.reset();
  receiver.setFault(undefined);
});
afterAll(() => receiver.close());

function tracing(config: ExporterConfig) {
  const exporter = new OTLPTraceExporter({ url: receiver.url, ...config });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'grpc-test',
      'service.instance.id': 'pod-1',
    }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  return { provider, tracer: provider.getTracer('llmeter-test', '1.2.3') };
}

describe('OTLP/gRPC receiver', () => {
  // The exporter really sends grpc-encoding: gzip (GRPC_TRACE=server_call shows it); grpc-js
  // inflates it before the handler, so a decoded span is the proof that gzip works.
  it('decodes spans sent by the real OTLP/gRPC exporter, gzip-compressed', async () => {
    const { provider, tracer } = tracing({ compression: GZIP });
    // No global context manager here: the parent is passed as an explicit context.
    const parent = tracer.startSpan('invoke_agent support', { kind: SpanKind.INTERNAL });
    const parentIds = parent.spanContext();
    const child = tracer.startSpan(
      'chat gpt-4o-mini',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.usage.input_tokens': 42,
          'llmeter.big.int': 2 ** 53 - 1,
          'gen_ai.request.temperature': 0.5,
          'gen_ai.request.stream': true,
          'gen_ai.response.finish_reasons': ['stop', 'length'],
          'llmeter.numbers': [1, 2, 3],
        },
      },
      trace.setSpan(context.active(), parent),
    );
    child.addEvent('gen_ai.content.chunk', { 'chunk.index': 3 });
    child.recordException(new Error('upstream 429'));
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
    child.end();
    parent.end();
    await provider.forceFlush();
    const spans = await receiver.waitFor((r) => (r.spans().length === 2 ? r.spans() : undefined));
    await provider.shutdown();

    const received = spans.find((s) => s.name === 'chat gpt-4o-mini');
    const receivedParent = spans.find((s) => s.name === 'invoke_agent support');
    expect(receivedParent).toMatchObject({
      spanId: parentIds.spanId,
      traceId: parentIds.traceId,
      parentSpanId: '',
    });
    expect(receivedParent?.kind).toBe(1);
    expect(received).toMatchObject({
      traceId: parentIds.traceId,
      parentSpanId: parentIds.spanId,
      kind: 3,
      kindName: 'CLIENT',
      status: { code: 2, message: 'rate limited' },
      scope: { name: 'llmeter-test', version: '1.2.3' },
    });
    expect(received?.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(received?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(received?.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.usage.input_tokens': 42,
      'llmeter.big.int': 9007199254740991,
      'gen_ai.request.temperature': 0.5,
      'gen_ai.request.stream': true,
      'gen_ai.response.finish_reasons': ['stop', 'length'],
      'llmeter.numbers': [1, 2, 3],
    });
    expect(received?.events.map((e) => e.name)).toEqual(['gen_ai.content.chunk', 'exception']);
    expect(received?.events[0]?.attributes).toEqual({ 'chunk.index': 3 });
    expect(received?.events[1]?.attributes['exception.message']).toBe('upstream 429');
    expect(received?.resource).toMatchObject({
      'service.name': 'grpc-test',
      'service.instance.id': 'pod-1',
    });
    expect(BigInt(received?.endTimeUnixNano ?? 0)).toBeGreaterThanOrEqual(
      BigInt(received?.startTimeUnixNano ?? 0),
    );
    expect(received?.durationMs).toBeGreaterThanOrEqual(0);

    const [request] = receiver.requests();
    expect(request).toMatchObject({
      signal: 'traces',
      transport: 'grpc',
      encoding: 'protobuf',
      accepted: true,
    });
    expect(request?.headers['user-agent']).toMatch(/OTel-OTLP-Exporter-JavaScript/);
  });

  it('answers an injected gRPC status and keeps that data out of spans()', async () => {
    receiver.setFault({ status: grpc.status.INVALID_ARGUMENT, times: 1 });
    const { provider, tracer } = tracing({});
    tracer.startSpan('refused').end();
    await provider.forceFlush().catch(() => undefined);
    tracer.startSpan('accepted').end();
    await provider.forceFlush();
    await receiver.waitFor((r) => r.spans().length === 1);
    await provider.shutdown();
    expect(receiver.spans().map((s) => s.name)).toEqual(['accepted']);
    expect(receiver.requests().map((r) => r.accepted)).toEqual([false, true]);
  });

  it('decodes MetricsService/Export requests (bytes from the real OTLP/proto metric exporter)', async () => {
    // Capture what the proto exporter encodes, then replay it over gRPC.
    const bodies: Buffer[] = [];
    const capture = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks));
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
    const { port } = capture.address() as AddressInfo;
    const provider = new MeterProvider({
      readers: [
        new PeriodicExportingMetricReader({
          exporter: new ProtoMetricExporter({
            url: `http://127.0.0.1:${port}/v1/metrics`,
            temporalityPreference: AggregationTemporality.DELTA,
          }),
          exportIntervalMillis: 60_000,
        }),
      ],
    });
    provider
      .getMeter('m')
      .createCounter('llmeter.test.requests', { valueType: ValueType.INT })
      .add(5, { route: 'a' });
    await provider.forceFlush();
    await provider.shutdown();
    await new Promise<void>((resolve) => capture.close(() => resolve()));

    const Client = grpc.makeGenericClientConstructor({}, 'MetricsService');
    const client = new Client(receiver.endpoint, grpc.credentials.createInsecure());
    await new Promise<void>((resolve, reject) => {
      client.makeUnaryRequest(
        '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
        (b: Buffer) => b,
        (b: Buffer) => b,
        bodies[0] as Buffer,
        (error) => (error ? reject(error) : resolve()),
      );
    });
    client.close();
    const metric = receiver.metrics().find((m) => m.name === 'llmeter.test.requests');
    expect(metric).toMatchObject({ type: 'sum', temporality: 'DELTA', isMonotonic: true });
    expect(metric?.dataPoints[0]).toMatchObject({ value: 5, attributes: { route: 'a' } });
  });

  it('rejects pending waitFor calls when closed', async () => {
    const other = await startOtlpGrpcReceiver();
    const waiting = other.waitFor((r) => r.spans().length > 0, 5_000);
    await other.close();
    await expect(waiting).rejects.toThrow(/closed/);
  });
});
