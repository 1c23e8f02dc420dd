import type { BaseMessage } from '@langchain/core/messages';
import { AIMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { RunnableLambda, RunnableMap } from '@langchain/core/runnables';
import { FakeListChatModel, FakeStreamingChatModel } from '@langchain/core/utils/testing';
import { ChatOpenAI } from '@langchain/openai';
import { ATTR, type LLMOperation, METRIC } from '@llmeter/core';
import { getRecorder, observedInferenceCount as liveInferenceCount } from '@llmeter/core/internal';
import { LLMeterCallbackHandler } from '@llmeter/langchain';
import { startMockLLM } from '@llmeter/testing';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import { context, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { count, isChildOf, parentOf, spansNamed, sum } from './helpers';
import { instrumentedFetch } from './sdk-adapter';

let t: InMemoryLLMeter;
let mock: Awaited<ReturnType<typeof startMockLLM>>;

beforeAll(async () => {
  t = setupInMemory();
  mock = await startMockLLM();
});
afterAll(async () => {
  await mock.close();
  await t.shutdown();
});
afterEach(async () => {
  t.reset();
  mock.reset();
  await t.collectMetrics();
});

/** A chat model whose provider call is measured by an SDK adapter (a core operation with no parent given). */
class AdapterBackedModel extends FakeListChatModel {
  readonly inner: LLMOperation[] = [];
  override async _generate(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
  ): Promise<ChatResult> {
    const op = getRecorder().startOperation({ provider: 'openai', requestModel: 'gpt-4o' });
    this.inner.push(op);
    await new Promise((r) => setTimeout(r, 2));
    op.end({ responseModel: 'gpt-4o-2024-08-06', usage: { inputTokens: 11, outputTokens: 7 } });
    return super._generate(messages, options);
  }
}

const chatSpans = () => t.spans().filter((s) => s.attributes[ATTR.OPERATION_NAME] === 'chat');

describe('no double counting with an SDK adapter under LangChain', () => {
  it('a model call seen by both is one operation: nested spans, one set of metrics', async () => {
    const handler = new LLMeterCallbackHandler();
    const model = new AdapterBackedModel({ responses: ['ok'] });
    await model.invoke('hi', { callbacks: [handler] });

    expect(model.inner).toHaveLength(1);
    expect(model.inner[0]?.nested).toBe(true);
    const spans = chatSpans();
    expect(spans).toHaveLength(2);
    const inner = spans.find(
      (s) => s.spanContext().spanId === model.inner[0]?.span.spanContext().spanId,
    );
    const outer = spans.find((s) => s !== inner);
    expect(inner && outer && isChildOf(inner, outer)).toBe(true);
    // the outer (LangChain) span carries what the adapter measured
    expect(outer?.attributes[ATTR.USAGE_INPUT_TOKENS]).toBe(11);
    expect(outer?.attributes[ATTR.RESPONSE_MODEL]).toBe('gpt-4o-2024-08-06');

    const m = await t.collectMetrics();
    expect(count(t.metric(m, METRIC.CLIENT_OPERATION_DURATION))).toBe(1);
    expect(sum(t.metric(m, METRIC.CLIENT_TOKEN_USAGE), { [ATTR.TOKEN_TYPE]: 'input' })).toBe(11);
    expect(sum(t.metric(m, METRIC.CLIENT_TOKEN_USAGE), { [ATTR.TOKEN_TYPE]: 'output' })).toBe(7);
    expect(liveInferenceCount()).toBe(0);
  });

  for (const streaming of [false, true]) {
    it(`ChatOpenAI over an instrumented OpenAI client (${streaming ? 'streaming' : 'not streaming'}) counts each call once`, async () => {
      const handler = new LLMeterCallbackHandler();
      const sdk = instrumentedFetch(mock.port);
      const model = new ChatOpenAI({
        model: 'gpt-4o-mini',
        apiKey: 'test',
        maxRetries: 0,
        configuration: { baseURL: mock.url, fetch: sdk.fetch },
      });
      // (`streaming: true` with invoke() would make ChatOpenAI estimate tokens
      // with tiktoken, which downloads its encoding: no network here.)
      const call = async (input: string) => {
        if (!streaming) return model.invoke(input, { callbacks: [handler] });
        for await (const _ of await model.stream(input, { callbacks: [handler] })) {
          // consume
        }
      };
      await call('hi');
      await call('again');
      await new Promise((r) => setTimeout(r, 5)); // let the adapter's stream watcher finish

      expect(sdk.ops).toHaveLength(2);
      expect(sdk.ops.every((op) => op.nested)).toBe(true);
      const outer = spansNamed(t.spans(), 'chat gpt-4o-mini').filter(
        (s) => !sdk.ops.some((op) => op.span.spanContext().spanId === s.spanContext().spanId),
      );
      expect(outer).toHaveLength(2);
      for (const op of sdk.ops) {
        const inner = t
          .spans()
          .find((s) => s.spanContext().spanId === op.span.spanContext().spanId);
        expect(inner && outer.includes(parentOf(t.spans(), inner) as never)).toBe(true);
      }
      const m = await t.collectMetrics();
      expect(count(t.metric(m, METRIC.CLIENT_OPERATION_DURATION))).toBe(2);
      expect(sum(t.metric(m, METRIC.CLIENT_TOKEN_USAGE), { [ATTR.TOKEN_TYPE]: 'output' })).toBe(16);
      if (streaming) expect(count(t.metric(m, METRIC.CLIENT_TIME_TO_FIRST_CHUNK))).toBe(2);
      expect(liveInferenceCount()).toBe(0);
    });
  }

  it('concurrent requests: each SDK call nests under its own model run', async () => {
    const handler = new LLMeterCallbackHandler();
    const sdk = instrumentedFetch(mock.port);
    const model = new ChatOpenAI({
      model: 'gpt-4o-mini',
      apiKey: 'test',
      maxRetries: 0,
      configuration: { baseURL: mock.url, fetch: sdk.fetch },
    });
    const tracer = trace.getTracer('app');
    const request = (name: string, delay: number) => {
      const span = tracer.startSpan(name);
      return context.with(trace.setSpan(context.active(), span), async () => {
        // several model runs per request, two at once, with different latencies
        await Promise.all([
          model.invoke('a', {
            callbacks: [handler],
            options: { headers: { 'x-mock-first-chunk-delay-ms': String(delay) } },
          }),
          model.invoke('b', { callbacks: [handler] }),
        ]);
        span.end();
      });
    };
    await Promise.all([request('req-1', 20), request('req-2', 1), request('req-3', 10)]);

    expect(sdk.ops).toHaveLength(6);
    expect(
      mock.requests.filter((r) => r.headers['x-mock-first-chunk-delay-ms'] === '20'),
    ).toHaveLength(1);
    expect(sdk.ops.every((op) => op.nested)).toBe(true);
    const spans = t.spans();
    for (const op of sdk.ops) {
      const inner = spans.find((s) => s.spanContext().spanId === op.span.spanContext().spanId);
      const outer = inner && parentOf(spans, inner);
      expect(outer?.name).toBe('chat gpt-4o-mini');
      // the outer model span belongs to the same request as the SDK call
      expect(outer && parentOf(spans, outer)?.name).toMatch(/^req-/);
      expect(outer?.spanContext().traceId).toBe(inner?.spanContext().traceId);
    }
    // one SDK call per model run
    const outers = new Set(
      sdk.ops.map((op) => {
        const inner = spans.find((s) => s.spanContext().spanId === op.span.spanContext().spanId);
        return inner && parentOf(spans, inner)?.spanContext().spanId;
      }),
    );
    expect(outers.size).toBe(6);
    const m = await t.collectMetrics();
    expect(count(t.metric(m, METRIC.CLIENT_OPERATION_DURATION))).toBe(6);
  });

  it('an SDK call made by other code while a model run is open elsewhere in the tree is its own operation', async () => {
    const handler = new LLMeterCallbackHandler();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A model run that stays open until the other branch has made its call.
    class GatedModel extends FakeListChatModel {
      override async _generate(
        messages: BaseMessage[],
        options: this['ParsedCallOptions'],
      ): Promise<ChatResult> {
        await gate;
        return super._generate(messages, options);
      }
    }
    let direct: LLMOperation | undefined;
    const other = RunnableLambda.from(async () => {
      while (liveInferenceCount() === 0) await new Promise((r) => setTimeout(r, 1));
      // e.g. a tool calling the OpenAI SDK itself, while the model branch waits
      direct = getRecorder().startOperation({ provider: 'openai', requestModel: 'gpt-4o' });
      direct.end({ usage: { inputTokens: 1, outputTokens: 1 } });
      release();
      return 'done';
    });
    await RunnableMap.from({ model: new GatedModel({ responses: ['ok'] }), other }).invoke('hi', {
      callbacks: [handler],
    });
    expect(direct?.nested).toBe(false);
    const m = await t.collectMetrics();
    expect(count(t.metric(m, METRIC.CLIENT_OPERATION_DURATION))).toBe(2);
  });

  it('a second root model run from the same caller is not nested in the first', async () => {
    const handler = new LLMeterCallbackHandler();
    const a = new FakeStreamingChatModel({ sleep: 3, responses: [new AIMessage('aaaa')] });
    const b = new FakeListChatModel({ responses: ['b'] });
    await Promise.all([
      a.invoke('x', { callbacks: [handler] }),
      b.invoke('y', { callbacks: [handler] }),
    ]);
    const spans = chatSpans();
    expect(spans).toHaveLength(2);
    for (const s of spans) expect(parentOf(spans, s)).toBeUndefined();
    const m = await t.collectMetrics();
    expect(count(t.metric(m, METRIC.CLIENT_OPERATION_DURATION))).toBe(2);
  });
});
