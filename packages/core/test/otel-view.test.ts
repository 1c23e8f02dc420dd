import type { Attributes } from '@opentelemetry/api';
import {
  AggregationTemporality,
  AggregationType,
  MeterProvider,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { init } from '../src/init';
import type { InstrumentDefinition } from '../src/metrics/definitions';
import { OtelSink } from '../src/metrics/otel-sink';
import { ReaderView } from '../src/metrics/otel-view';
import { PromSink } from '../src/metrics/prom-sink';
import type { LLMeterOptions } from '../src/types';

class Reader extends MetricReader {
  constructor(temporality: AggregationTemporality, drop = false) {
    super({
      aggregationTemporalitySelector: () => temporality,
      aggregationSelector: () => ({ type: drop ? AggregationType.DROP : AggregationType.DEFAULT }),
    });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const definitions = {
  duration: {
    name: 'test.duration',
    kind: 'histogram',
    unit: 's',
    description: 'Durations.',
    buckets: [0.1, 1, 10],
    attributes: ['a', 'b'],
  },
  tokens: {
    name: 'test.tokens',
    kind: 'histogram',
    unit: '{token}',
    description: 'Tokens.',
    buckets: [1, 10, 100],
    attributes: ['a'],
    integer: true,
  },
  cost: { name: 'test.cost', kind: 'counter', unit: 'USD', description: 'C.', attributes: ['a'] },
  active: {
    name: 'test.active',
    kind: 'updowncounter',
    unit: '{request}',
    description: 'A.',
    attributes: ['a'],
  },
} as const satisfies Record<string, InstrumentDefinition>;
type Key = keyof typeof definitions;

/** The same measurements through the OTel SDK's instruments (what llmeter did before) and through core's aggregation. */
function pair(temporality: AggregationTemporality) {
  const sdkReader = new Reader(temporality);
  const meter = new MeterProvider({ readers: [sdkReader] }).getMeter('t');
  const sdk = new OtelSink(meter, definitions as never);
  const ownReader = new Reader(temporality);
  const own = new PromSink(new Registry(), [], definitions as never, 1);
  const view = new ReaderView(own.streams, 0, ownReader);
  ownReader.setMetricProducer({
    collect: async () => ({
      resourceMetrics: {
        resource: {} as never,
        scopeMetrics: [{ scope: { name: 't' }, metrics: view.collect() }],
      },
      errors: [],
    }),
  });
  return {
    record(key: Key, value: number, attributes: Attributes) {
      sdk.record(key as never, value, attributes);
      own.record(key as never, value, attributes);
    },
    async collect() {
      const [a, b] = await Promise.all([sdkReader.collect(), ownReader.collect()]);
      return [a, b].map((r) => r.resourceMetrics.scopeMetrics.flatMap((s) => s.metrics));
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("core's aggregation seen by an OTel reader", () => {
  for (const temporality of [AggregationTemporality.DELTA, AggregationTemporality.CUMULATIVE]) {
    const name = temporality === AggregationTemporality.DELTA ? 'delta' : 'cumulative';
    it(`exports what the SDK's instruments exported (${name}): values, start times, order`, async () => {
      vi.useFakeTimers({ now: 1_700_000_000_000 });
      const p = pair(temporality);
      const x = Object.freeze({ a: 'x', b: 1 });
      const y = { b: 2, a: 'y' };
      const tick = () => vi.advanceTimersByTime(250);
      p.record('duration', 0.3, x);
      tick();
      p.record('duration', 0.1 + 0.2, y);
      p.record('duration', -1, x); // dropped by both
      p.record('tokens', 12.7, { a: 'x' }); // truncated to 12 on OTLP
      p.record('cost', 0.1, { a: 'x' });
      p.record('cost', 0.2, { a: 'x' });
      p.record('cost', 0, { a: 'z' });
      p.record('active', 1, { a: 'x' });
      tick();
      const first = await p.collect();
      expect(first[1]).toEqual(first[0]);
      expect(first[1]!.length).toBe(4);

      tick();
      p.record('duration', 11, { a: 'n', b: 3 }); // a series first seen now
      p.record('duration', 0.7, x);
      p.record('active', -1, { a: 'x' });
      p.record('cost', 0.3, { a: 'x' });
      tick();
      const second = await p.collect();
      expect(second[1]).toEqual(second[0]);

      tick();
      const third = await p.collect(); // nothing new
      expect(third[1]).toEqual(third[0]);
    });
  }

  it('a reader that drops an instrument type gets none of it', async () => {
    const reader = new Reader(AggregationTemporality.DELTA, true);
    const own = new PromSink(new Registry(), [], definitions as never, 1);
    const view = new ReaderView(own.streams, 0, reader);
    own.record('cost' as never, 1, { a: 'x' });
    expect(view.collect()).toEqual([]);
  });

  it('a prom-client resetMetrics() leaves what the OTel readers have not collected', async () => {
    const registry = new Registry();
    const own = new PromSink(registry, [], definitions as never, 1);
    const view = new ReaderView(own.streams, 0, new Reader(AggregationTemporality.CUMULATIVE));
    own.record('cost' as never, 1, { a: 'x' });
    registry.resetMetrics();
    own.record('cost' as never, 2, { a: 'x' });
    const [metric] = view.collect();
    expect(metric?.dataPoints.map((d) => d.value)).toEqual([3]);
    expect(await registry.getSingleMetricAsString('test_cost_total')).toContain(
      'test_cost_total{a="x"} 2',
    );
  });
});

/** llmeter with no exporter of its own: only the readers or provider under test see its metrics. */
function startLLMeter(extra: Partial<LLMeterOptions>) {
  return init({
    tracesExporter: ['none'],
    metricsExporter: ['prometheus'],
    handleSignals: false,
    flushOnExit: false,
    logger: false,
    ...extra,
  });
}

describe("llmeter's readers", () => {
  it('collect from a reader of another sdk-metrics version (no selectCardinalityLimit)', async () => {
    const reader = new Reader(AggregationTemporality.DELTA);
    Object.defineProperty(reader, 'selectCardinalityLimit', { value: undefined });
    const llmeter = startLLMeter({ metricReaders: [reader] });
    try {
      // An instrument on llmeter's meter (as the GPU gauges are): its storage asks the reader.
      llmeter.meter?.createCounter('app.counter').add(1);
      llmeter.recorder.startOperation({ provider: 'openai', requestModel: 'm' }).end();
      const { resourceMetrics } = await reader.collect();
      const names = resourceMetrics.scopeMetrics.flatMap((s) =>
        s.metrics.map((m) => m.descriptor.name),
      );
      expect(names).toEqual(
        expect.arrayContaining(['gen_ai.client.operation.duration', 'app.counter']),
      );
    } finally {
      await llmeter.shutdown();
    }
  });
});

describe("an application's own meterProvider", () => {
  it("gets llmeter's measurements through its instruments", async () => {
    const reader = new Reader(AggregationTemporality.CUMULATIVE);
    const meterProvider = new MeterProvider({ readers: [reader] });
    const llmeter = startLLMeter({ meterProvider });
    try {
      llmeter.recorder.startOperation({ provider: 'openai', requestModel: 'm' }).end({
        usage: { inputTokens: 3, outputTokens: 4 },
      });
      const { resourceMetrics } = await reader.collect();
      const names = resourceMetrics.scopeMetrics.flatMap((s) =>
        s.metrics.map((m) => m.descriptor.name),
      );
      expect(names).toEqual(
        expect.arrayContaining(['gen_ai.client.operation.duration', 'gen_ai.client.token.usage']),
      );
      expect(await llmeter.promRegistry.metrics()).toContain('gen_ai_client_token_usage_bucket');
    } finally {
      await llmeter.shutdown();
    }
  });
});
