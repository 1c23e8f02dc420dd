/**
 * The real pairing for Claude: ChatAnthropic (from @langchain/anthropic) over an
 * Anthropic client instrumented by @llmeter/anthropic (ChatAnthropic's
 * `createClient` hands it over), and this package's handler on the runs.
 * Each model call must be one operation, as with ChatOpenAI: the SDK span
 * nested in LangChain's, one set of metrics, the SDK's own span replaced.
 */

import Anthropic from '@anthropic-ai/sdk';
import { ChatAnthropic } from '@langchain/anthropic';
import { tool } from '@langchain/core/tools';
import { instrumentAnthropic } from '@llmeter/anthropic';
import { ATTR, METRIC } from '@llmeter/core';
import { LLMeterCallbackHandler } from '@llmeter/langchain';
import { startMockLLM } from '@llmeter/testing';
import { type InMemoryLLMeter, type ReadableSpan, setupInMemory } from '@llmeter/testing/in-memory';
import { createAgent } from 'langchain';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { count, parentOf, spanNamed, sum } from './helpers';

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
  await t.collectMetrics();
});

const model = () =>
  new ChatAnthropic({
    model: 'claude-sonnet-4-5',
    apiKey: 'sk-ant-test',
    maxRetries: 0,
    anthropicApiUrl: `http://127.0.0.1:${mock.port}`,
    // The 1.x SDK under the 0.x @langchain/anthropic depends on: the same options, other types.
    createClient: (options) => instrumentAnthropic(new Anthropic(options as any)),
  });

/** Chat spans whose parent is another chat span: the SDK adapter's, nested in LangChain's. */
function pairs(spans: ReadableSpan[]) {
  const chats = spans.filter((s) => s.attributes[ATTR.OPERATION_NAME] === 'chat');
  const inner = chats.filter((s) => parentOf(spans, s)?.attributes[ATTR.OPERATION_NAME] === 'chat');
  return { chats, inner, outer: chats.filter((s) => !inner.includes(s)) };
}

describe('with @llmeter/anthropic instrumenting the Anthropic client under ChatAnthropic', () => {
  it('invoke(): one operation per call, the SDK span nested in the LangChain span', async () => {
    const handler = new LLMeterCallbackHandler();
    await model().invoke('hi', { callbacks: [handler] });
    const spans = t.spans();
    const { chats, inner, outer } = pairs(spans);
    expect(chats).toHaveLength(2);
    expect(inner).toHaveLength(1);
    expect(spans.map((s) => s.name)).not.toContain('anthropic.messages.create');
    expect(outer[0]?.attributes[ATTR.PROVIDER_NAME]).toBe('anthropic');
    expect(outer[0]?.attributes[ATTR.USAGE_OUTPUT_TOKENS]).toBe(8);
    const m = await t.collectMetrics();
    expect(count(t.metric(m, METRIC.CLIENT_OPERATION_DURATION))).toBe(1);
    expect(sum(t.metric(m, METRIC.CLIENT_TOKEN_USAGE), { [ATTR.TOKEN_TYPE]: 'output' })).toBe(8);
  });

  it('stream(): one time to first chunk, one duration', async () => {
    const handler = new LLMeterCallbackHandler();
    for await (const _ of await model().stream('hi', { callbacks: [handler] })) {
      // consume
    }
    const { inner } = pairs(t.spans());
    expect(inner).toHaveLength(1);
    const m = await t.collectMetrics();
    expect(count(t.metric(m, METRIC.CLIENT_OPERATION_DURATION))).toBe(1);
    expect(count(t.metric(m, METRIC.CLIENT_TIME_TO_FIRST_CHUNK))).toBe(1);
  });

  it('a createAgent run: two model calls counted twice, not four times', async () => {
    const handler = new LLMeterCallbackHandler();
    const weather = tool(async () => 'sunny', {
      name: 'get_weather',
      description: 'Weather of a city',
      schema: z.object({ city: z.string() }),
    });
    const agent = createAgent({ model: model(), tools: [weather], name: 'helper' });
    await agent.invoke(
      { messages: [{ role: 'user', content: 'use get_weather' }] },
      { callbacks: [handler] },
    );
    const spans = t.spans();
    const { inner, outer } = pairs(spans);
    expect(outer).toHaveLength(2);
    expect(inner).toHaveLength(2);
    expect(
      spanNamed(spans, 'invoke_agent helper').attributes[ATTR.LLMETER_AGENT_INFERENCE_CALLS],
    ).toBe(2);
    const m = await t.collectMetrics();
    expect(count(t.metric(m, METRIC.CLIENT_OPERATION_DURATION))).toBe(2);
    expect(sum(t.metric(m, METRIC.INVOKE_AGENT_INFERENCE_CALLS))).toBe(2);
    expect(handler.openRuns).toBe(0);
  });

  it('without the handler the SDK adapter still measures each call on its own', async () => {
    await model().invoke('hi');
    const { chats, inner } = pairs(t.spans());
    expect(chats).toHaveLength(1);
    expect(inner).toHaveLength(0);
    const m = await t.collectMetrics();
    expect(count(t.metric(m, METRIC.CLIENT_OPERATION_DURATION))).toBe(1);
  });
});
