import { gzipSync } from 'node:zlib';
import { type OtlpHttpReceiver, startOtlpHttpReceiver } from '@llmeter/testing';
import { ValueType } from '@opentelemetry/api';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

type ProtoConfig = NonNullable<ConstructorParameters<typeof ProtoMetricExporter>[0]>;
const GZIP = 'gzip' as NonNullable<ProtoConfig['compression']>;

let receiver: OtlpHttpReceiver;
beforeAll(async () => {
  receiver = await startOtlpHttpReceiver();
});
afterEach(() => {
  receiver.reset();
  receiver.setFault(undefined);
});
afterAll(() => receiver.close());

/** A MeterProvider whose reader only exports when flushed, so each flush is one DELTA interval. */
function metering(exporter: PushMetricExporter) {
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'http-test' }),
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })],
  });
  return { provider, meter: provider.getMeter('llmeter-test', '0.1.0') };
}

const TOKEN_BUCKETS = [1, 4, 16, 64];

async function recordAndFlush(exporter: PushMetricExporter) {
  const { provider, meter } = metering(exporter);
  const tokens = meter.createHistogram('gen_ai.client.token.usage', {
    unit: '{token}',
    valueType: ValueType.INT,
    advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
  });
  const requests = meter.createCounter('llmeter.test.requests', { valueType: ValueType.INT });
  const active = meter.createUpDownCounter('llmeter.client.active_requests', { unit: '{request}' });
  const attrs = { 'gen_ai.operation.name': 'chat', 'gen_ai.token.type': 'input' };
  for (const value of [1, 5, 100]) tokens.record(value, attrs);
  requests.add(3, { big: 2 ** 40 });
  active.add(2);
  active.add(-1);
  await provider.forceFlush();
  requests.add(2, { big: 2 ** 40 });
  await provider.forceFlush();
  await provider.shutdown();
}

function assertDecoded(r: OtlpHttpReceiver) {
  const histogram = r.metrics().find((m) => m.name === 'gen_ai.client.token.usage');
  expect(histogram).toMatchObject({
    type: 'histogram',
    unit: '{token}',
    temporality: 'DELTA',
    resource: { 'service.name': 'http-test' },
    scope: { name: 'llmeter-test', version: '0.1.0' },
  });
  if (histogram?.type !== 'histogram') throw new Error('not a histogram');
  expect(histogram.dataPoints).toHaveLength(1);
  expect(histogram.dataPoints[0]).toMatchObject({
    attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.token.type': 'input' },
    count: 3,
    sum: 106,
    min: 1,
    max: 100,
    explicitBounds: TOKEN_BUCKETS,
    // (-inf,1] (1,4] (4,16] (16,64] (64,+inf)
    bucketCounts: [1, 0, 1, 0, 1],
  });
  const counts = r.metrics().filter((m) => m.name === 'llmeter.test.requests');
  expect(counts.map((m) => [m.type, m.temporality, m.isMonotonic])).toEqual([
    ['sum', 'DELTA', true],
    ['sum', 'DELTA', true],
  ]);
  // DELTA: the second interval carries only what was added since the first.
  expect(counts.map((m) => (m.type === 'sum' ? m.dataPoints[0]?.value : undefined))).toEqual([
    3, 2,
  ]);
  expect(counts[0]?.dataPoints[0]?.attributes).toEqual({ big: 1099511627776 });
  const active = r.metrics().find((m) => m.name === 'llmeter.client.active_requests');
  expect(active).toMatchObject({ type: 'sum', isMonotonic: false });
  expect(active?.dataPoints[0]).toMatchObject({ value: 1 });
}

describe('OTLP/HTTP receiver', () => {
  it('decodes OTLP/JSON metrics from the real exporter with DELTA temporality', async () => {
    await recordAndFlush(
      new JsonMetricExporter({
        url: receiver.metricsUrl,
        temporalityPreference: AggregationTemporality.DELTA,
      }),
    );
    assertDecoded(receiver);
    expect(receiver.requests()[0]).toMatchObject({
      signal: 'metrics',
      transport: 'http',
      encoding: 'json',
      compression: 'identity',
      accepted: true,
    });
  });

  it('decodes gzip-compressed OTLP/protobuf metrics from the real exporter', async () => {
    await recordAndFlush(
      new ProtoMetricExporter({
        url: receiver.metricsUrl,
        temporalityPreference: AggregationTemporality.DELTA,
        compression: GZIP,
      }),
    );
    assertDecoded(receiver);
    expect(receiver.requests()[0]).toMatchObject({ encoding: 'protobuf', compression: 'gzip' });
    // Protobuf arrives in the same OTLP/JSON shape as JSON: int64 as strings, camelCase keys.
    expect(JSON.stringify(receiver.requests()[0]?.body)).toContain('"aggregationTemporality":1');
  });

  it('answers 503 with Retry-After once; the exporter retries and the data arrives', async () => {
    // Retry-After: 0 makes the 0.301 exporter schedule its retry at -1 ms (a Node warning), so 1 s.
    receiver.setFault({ status: 503, retryAfterSeconds: 1, times: 1 });
    const { provider, meter } = metering(
      new ProtoMetricExporter({
        url: receiver.metricsUrl,
        temporalityPreference: AggregationTemporality.DELTA,
      }),
    );
    meter.createCounter('llmeter.test.retried').add(1);
    await provider.forceFlush();
    await receiver.waitFor((r) => r.metrics().some((m) => m.name === 'llmeter.test.retried'));
    await provider.shutdown();
    expect(receiver.requests().map((r) => r.accepted)).toEqual([false, true]);
  });

  it('hangs until the exporter gives up', async () => {
    receiver.setFault({ hang: true });
    const exporter = new ProtoMetricExporter({ url: receiver.metricsUrl, timeoutMillis: 200 });
    const { provider, meter } = metering(exporter);
    meter.createCounter('llmeter.test.hung').add(1);
    const started = Date.now();
    await provider.forceFlush().catch(() => undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(receiver.requests().length).toBeGreaterThanOrEqual(1);
    expect(receiver.metrics()).toEqual([]);
    receiver.setFault(undefined);
    await provider.shutdown().catch(() => undefined);
  });

  it('decodes OTLP/JSON traces and logs posted by hand, gzip or not', async () => {
    const traceId = '5b8efff798038103d269b633813fc60c';
    const spanId = 'eee19b7ec3c1b174';
    const traces = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'hand' } }] },
          scopeSpans: [
            {
              scope: { name: 'manual' },
              spans: [
                {
                  traceId,
                  spanId,
                  name: 'embeddings text-embedding-3-small',
                  kind: 3,
                  startTimeUnixNano: '1700000000000000000',
                  endTimeUnixNano: '1700000000250000000',
                  attributes: [
                    { key: 'gen_ai.usage.input_tokens', value: { intValue: '9007199254740991' } },
                    {
                      key: 'tags',
                      value: {
                        arrayValue: { values: [{ stringValue: 'a' }, { boolValue: true }] },
                      },
                    },
                    {
                      key: 'map',
                      value: {
                        kvlistValue: { values: [{ key: 'k', value: { doubleValue: 1.5 } }] },
                      },
                    },
                  ],
                  status: {},
                },
              ],
            },
          ],
        },
      ],
    };
    const res = await fetch(receiver.tracesUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(traces)),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(receiver.spans()[0]).toMatchObject({
      traceId,
      spanId,
      parentSpanId: '',
      kindName: 'CLIENT',
      durationMs: 250,
      status: { code: 0, message: '' },
      attributes: {
        'gen_ai.usage.input_tokens': 9007199254740991,
        tags: ['a', true],
        map: { k: 1.5 },
      },
      resource: { 'service.name': 'hand' },
    });

    const logs = {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                {
                  severityNumber: 9,
                  severityText: 'INFO',
                  body: { stringValue: 'llm_call_completed' },
                  traceId,
                },
              ],
            },
          ],
        },
      ],
    };
    await fetch(receiver.logsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(logs),
    });
    expect(receiver.logs()[0]).toMatchObject({
      severityNumber: 9,
      body: 'llm_call_completed',
      traceId,
    });
  });

  it('refuses what it cannot decode and explains waitFor timeouts', async () => {
    const res = await fetch(receiver.tracesUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: Buffer.from([0xff, 0xff, 0xff]),
    });
    expect(res.status).toBe(400);
    expect(receiver.requests()[0]).toMatchObject({ accepted: false });
    expect(receiver.requests()[0]?.error).toBeTruthy();
    await expect(receiver.waitFor((r) => r.spans().length > 0, 50)).rejects.toThrow(
      /received 1 request/,
    );
  });

  it('keeps only the newest keepRequests requests when told to', async () => {
    const bounded = await startOtlpHttpReceiver({ keepRequests: 2 });
    try {
      for (const name of ['first', 'second', 'third']) {
        const body = {
          resourceSpans: [
            {
              scopeSpans: [
                {
                  spans: [
                    {
                      traceId: '5b8efff798038103d269b633813fc60c',
                      spanId: 'eee19b7ec3c1b174',
                      name,
                      startTimeUnixNano: '1',
                      endTimeUnixNano: '2',
                    },
                  ],
                },
              ],
            },
          ],
        };
        const res = await fetch(bounded.tracesUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(res.status).toBe(200);
      }
      expect(bounded.requests()).toHaveLength(2);
      expect(bounded.spans().map((s) => s.name)).toEqual(['second', 'third']);
    } finally {
      await bounded.close();
    }
  });
});
