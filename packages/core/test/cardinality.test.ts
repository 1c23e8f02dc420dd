import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import { AlwaysOffSampler } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { ATTR, METRIC } from '../src/index';

let t: InMemoryLLMeter | undefined;
afterEach(async () => {
  await t?.shutdown();
  t = undefined;
});

/** Series per metric family on /metrics (histograms counted once per label set, by `_count`). */
function seriesPerFamily(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    const name = line.slice(0, line.search(/[{ ]/));
    if (name.endsWith('_bucket') || name.endsWith('_sum')) continue;
    const family = name.replace(/_count$/, '');
    counts.set(family, (counts.get(family) ?? 0) + 1);
  }
  return counts;
}

describe('series cap', () => {
  it('keeps 1,000,000 distinct model, tool and agent names under the cap on /metrics and OTLP', async () => {
    const cap = 50;
    // Metrics are recorded for unsampled operations too; leaving spans out keeps this quick.
    t = setupInMemory({
      cardinalityLimit: cap,
      sampler: new AlwaysOffSampler(),
      internalLogLevel: 'error', // a million unpriced models: one warning each would be noise
    });
    const recorder = t.llmeter.recorder;
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const distinct = 1_000_000;
    for (let i = 0; i < distinct; i++) {
      const name = `model-${i}`;
      if (i % 3 === 0) {
        recorder
          .startOperation({ requestModel: name })
          .end({ responseModel: name, usage: { inputTokens: 1, outputTokens: 1 } });
      } else if (i % 3 === 1) {
        recorder.startTool({ name: `tool-${i}` }).end();
      } else {
        recorder.startAgent({ name: `agent-${i}` }).end();
      }
    }
    const collected = await t.collectMetrics();
    for (const scope of collected.scopeMetrics) {
      for (const metric of scope.metrics) {
        expect(metric.dataPoints.length, metric.descriptor.name).toBeLessThanOrEqual(cap);
      }
    }
    const duration = t.metric(collected, METRIC.CLIENT_OPERATION_DURATION)!;
    const overflow = duration.dataPoints.filter((p) => p.attributes[ATTR.METRIC_OVERFLOW] === true);
    expect(overflow).toHaveLength(1);
    // every measurement is still counted, on a named series or on the overflow one
    const count = (p: (typeof duration.dataPoints)[number]) => (p.value as { count: number }).count;
    expect(duration.dataPoints.reduce((n, p) => n + count(p), 0)).toBe(Math.ceil(distinct / 3));

    const text = await t.metricsText();
    for (const [family, n] of seriesPerFamily(text)) expect(n, family).toBeLessThanOrEqual(cap);
    expect(text).toMatch(
      /gen_ai_client_operation_duration_seconds_count\{otel_metric_overflow="true"\}/,
    );
    expect(text).toMatch(
      /llmeter_sdk_metric_overflows_total\{llmeter_metric_name="gen_ai\.client\.operation\.duration"\} \d+/,
    );
    // bounded memory: a million names are not remembered (cap x metrics series at most)
    gc();
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(20 * 1024 * 1024);
  }, 120_000);

  it('lands an in-flight +1 and its -1 on the same series, capped or not', async () => {
    t = setupInMemory({ cardinalityLimit: 3 });
    const ops = ['a', 'b', 'c', 'd', 'e'].map((m) =>
      t!.llmeter.recorder.startOperation({ requestModel: m }),
    );
    for (const op of ops) op.end();
    const text = await t.metricsText();
    const active = text.split('\n').filter((l) => l.startsWith('llmeter_client_active_requests{'));
    expect(active.length).toBeLessThanOrEqual(3);
    for (const line of active) expect(line).toMatch(/ 0$/);
  });

  it('falls back to the default cap on a bad value, with a warning and no throw', () => {
    t = setupInMemory({ cardinalityLimit: -4 });
    expect(t.llmeter.config.cardinalityLimit).toBe(1000);
  });
});
