import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ATTR, METRIC, withLLMCall } from '../src/index';

let t: InMemoryLLMeter;
beforeEach(() => {
  t = setupInMemory();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await t.shutdown();
});

describe('bad inputs produce sane telemetry and no exception', () => {
  it('drops missing, NaN, negative, fractional-garbage and absurd token counts', async () => {
    const bad = [Number.NaN, -5, Number.POSITIVE_INFINITY, 1e30, '12', null, {}, undefined];
    for (const value of bad) {
      t.llmeter.recorder.startOperation({ requestModel: 'gpt-4o' }).end({
        usage: {
          inputTokens: value as never,
          outputTokens: value as never,
          cacheReadInputTokens: value as never,
        },
      });
    }
    t.llmeter.recorder
      .startOperation({ requestModel: 'gpt-4o' })
      .end({ usage: { inputTokens: 10.6, outputTokens: 2 } });
    const collected = await t.collectMetrics();
    const tokens = t.metric(collected, METRIC.CLIENT_TOKEN_USAGE)!.dataPoints as Array<{
      value: { sum: number; count: number };
    }>;
    expect(tokens.reduce((n, p) => n + p.value.count, 0)).toBe(2); // only the valid operation's two counts
    expect(tokens.map((p) => p.value.sum).sort((a, b) => a - b)).toEqual([2, 11]);
    const text = await t.metricsText();
    expect(text).not.toMatch(/NaN|Infinity|-5/);
    for (const span of t.spans()) expect(span.ended).toBe(true);
  });

  it('ignores non-string models, providers and bad ports', () => {
    const op = t.llmeter.recorder.startOperation({
      operation: 42 as never,
      provider: { name: 'x' } as never,
      requestModel: ['gpt'] as never,
      serverAddress: 5 as never,
      serverPort: -1,
      request: {
        temperature: 'hot' as never,
        stopSequences: 'stop' as never,
        maxTokens: Number.NaN,
      },
    });
    op.end({
      responseModel: 123 as never,
      finishReasons: 'stop' as never,
      responseId: {} as never,
    });
    const [span] = t.spans();
    expect(span.name).toBe('chat');
    expect(span.attributes[ATTR.PROVIDER_NAME]).toBe('openai');
    expect(span.attributes[ATTR.REQUEST_MODEL]).toBeUndefined();
    expect(span.attributes[ATTR.SERVER_PORT]).toBeUndefined();
    expect(span.attributes[ATTR.REQUEST_TEMPERATURE]).toBeUndefined();
  });

  it('bounds absurdly long strings used as names', () => {
    const huge = 'm'.repeat(100_000);
    t.llmeter.recorder.startOperation({ requestModel: huge }).end({ responseModel: huge });
    const [span] = t.spans();
    expect(String(span.attributes[ATTR.REQUEST_MODEL]).length).toBe(256);
  });

  it('handles thrown non-Errors: strings, symbols, undefined, objects with throwing getters', () => {
    const hostile = {
      get message() {
        throw new Error('getter');
      },
      get name() {
        throw new Error('getter');
      },
    };
    for (const thrown of ['oops', Symbol('s'), undefined, null, 42, hostile]) {
      expect(() =>
        t.llmeter.recorder.startOperation({ requestModel: 'gpt-4o' }).fail(thrown),
      ).not.toThrow();
    }
    const spans = t.spans();
    expect(spans).toHaveLength(6);
    expect(spans.every((s) => s.attributes[ATTR.ERROR_TYPE] !== undefined)).toBe(true);
  });

  it('survives null/undefined everywhere in the public API', () => {
    const r = t.llmeter.recorder;
    expect(() => {
      r.startOperation(undefined).end(undefined);
      r.startOperation(null as never).fail(undefined, undefined);
      r.startOperation({}).update(null as never);
      r.startTool(null as never).end();
      r.startAgent(undefined as never).fail(null);
      r.startWorkflow(null as never).end(null as never);
      r.recordGuardrail(null as never);
      r.recordEvaluation(undefined as never);
      r.recordAgentOutcome({} as never);
      r.recordServedRequest({ durationS: Number.NaN } as never);
    }).not.toThrow();
  });

  it('a failing metrics sink never reaches the caller, and the span still ends', async () => {
    const { MetricSet } = await import('../src/metrics/metric-set');
    vi.spyOn(MetricSet.prototype, 'record').mockImplementation(() => {
      throw new Error('sink exploded');
    });
    const value = await withLLMCall(
      { requestModel: 'gpt-4o' },
      async () => 'answer',
      () => ({
        usage: { inputTokens: 1 },
      }),
    );
    expect(value).toBe('answer');
    expect(t.spans()).toHaveLength(1);
    expect(t.spans()[0].ended).toBe(true);
  });

  it('a describe() that throws costs the usage, never the result', async () => {
    const value = await withLLMCall(
      { requestModel: 'gpt-4o' },
      async () => 7,
      () => {
        throw new Error('bad describe');
      },
    );
    expect(value).toBe(7);
  });
});
