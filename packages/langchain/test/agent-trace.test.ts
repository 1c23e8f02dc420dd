import { RunnableLambda } from '@langchain/core/runnables';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { LLMeterCallbackHandler } from '@llmeter/langchain';
import { startMockLLM } from '@llmeter/testing';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import { createAgent } from 'langchain';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tree } from './helpers';

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
afterEach(() => {
  t.reset();
  mock.reset();
});

const weather = tool(async ({ city }) => `sunny in ${city}`, {
  name: 'get_weather',
  description: 'Current weather in a city',
  schema: z.object({ city: z.string() }),
});

function agent() {
  const model = new ChatOpenAI({
    model: 'gpt-4o-mini',
    apiKey: 'test',
    maxRetries: 0,
    configuration: { baseURL: mock.url },
  });
  return createAgent({ model, tools: [weather], name: 'helper' });
}

// The mock calls the tool the user message names, then answers its result in text.
const question = { messages: [{ role: 'user', content: 'use get_weather please' }] };

describe('the trace of a langchain v1 createAgent agent', () => {
  it('reads agent → model calls → tools by default', async () => {
    await agent().invoke(question, { callbacks: [new LLMeterCallbackHandler()] });
    expect(tree(t.spans())).toBe(
      [
        'invoke_agent helper',
        '  chat gpt-4o-mini',
        '  execute_tool get_weather',
        '  chat gpt-4o-mini',
      ].join('\n'),
    );
  });

  it('keeps the chain-level detail with chainSpans: true', async () => {
    await agent().invoke(question, {
      callbacks: [new LLMeterCallbackHandler({ chainSpans: true })],
    });
    const spans = tree(t.spans());
    expect(spans).toMatch(
      /invoke_agent helper\n\s+invoke_workflow model_request\n\s+chat gpt-4o-mini/,
    );
    expect(spans).toMatch(/invoke_workflow tools\n\s+execute_tool get_weather/);
  });

  it('still gives a chain outside any agent its invoke_workflow span', async () => {
    const chain = RunnableLambda.from(async (x: string) => x.toUpperCase()).withConfig({
      runName: 'shout',
    });
    expect(await chain.invoke('hi', { callbacks: [new LLMeterCallbackHandler()] })).toBe('HI');
    expect(tree(t.spans())).toBe('invoke_workflow shout');
  });

  it('gives no chain a span with chainSpans: false', async () => {
    const chain = RunnableLambda.from(async (x: string) => x).withConfig({ runName: 'quiet' });
    await chain.invoke('hi', { callbacks: [new LLMeterCallbackHandler({ chainSpans: false })] });
    expect(t.spans()).toHaveLength(0);
  });
});
