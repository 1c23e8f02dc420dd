import { AIMessage } from '@langchain/core/messages';
import { RunnableLambda, RunnableSequence } from '@langchain/core/runnables';
import { tool } from '@langchain/core/tools';
import {
  FakeListChatModel,
  FakeRetriever,
  FakeStreamingChatModel,
} from '@langchain/core/utils/testing';
import { ATTR } from '@llmeter/core';
import { observedInferenceCount as liveInferenceCount } from '@llmeter/core/internal';
import { LLMeterCallbackHandler } from '@llmeter/langchain';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LC_ATTR } from '../src/constants';
import { trackedRunCount } from '../src/run-store';

let t: InMemoryLLMeter;
beforeAll(() => {
  t = setupInMemory();
});
afterAll(() => t.shutdown());
afterEach(() => t.reset());

const chatModel = {
  lc: 1,
  type: 'not_implemented',
  id: ['langchain', 'chat_models', 'openai', 'ChatOpenAI'],
};
const chain = {
  lc: 1,
  type: 'not_implemented',
  id: ['langchain_core', 'runnables', 'RunnableSequence'],
};

describe('bounded memory', () => {
  it('10,000 runs of every kind, ending and failing, leave no run state behind', async () => {
    const handler = new LLMeterCallbackHandler();
    const ok = RunnableSequence.from([
      new FakeRetriever(),
      RunnableLambda.from(() => 'q'),
      new FakeListChatModel({ responses: ['a'] }),
    ]);
    const failingModel = new FakeStreamingChatModel({ thrownErrorString: 'down' });
    const flaky = tool(
      async ({ fail }) => {
        if (fail) throw new Error('tool failed');
        return 'ok';
      },
      { name: 'flaky', schema: z.object({ fail: z.boolean() }) },
    );
    const streaming = new FakeStreamingChatModel({ sleep: 0, responses: [new AIMessage('ab')] });

    let runs = 0;
    const one = async (i: number) => {
      switch (i % 4) {
        case 0:
          await ok.invoke('x', { callbacks: [handler] }); // sequence, retriever, lambda, model
          runs += 4;
          break;
        case 1:
          await failingModel.invoke('x', { callbacks: [handler] }).catch(() => {});
          runs += 1;
          break;
        case 2:
          await flaky.invoke({ fail: i % 8 === 2 }, { callbacks: [handler] }).catch(() => {});
          runs += 1;
          break;
        default:
          for await (const _ of await streaming.stream('x', { callbacks: [handler] })) {
            // consume
          }
          runs += 1;
      }
    };
    for (let i = 0; runs < 10_000; i += 25) {
      await Promise.all(Array.from({ length: 25 }, (_, k) => one(i + k)));
      if (i % 1000 === 0) t.reset(); // keep the in-memory exporter small
    }
    expect(runs).toBeGreaterThanOrEqual(10_000);
    expect(handler.openRuns).toBe(0);
    expect(trackedRunCount()).toBe(0);
    expect(liveInferenceCount()).toBe(0);
  });

  it('runs that never end are evicted beyond maxRuns, their spans ended and marked', () => {
    const handler = new LLMeterCallbackHandler({ maxRuns: 5 });
    for (let i = 0; i < 8; i++) {
      handler.handleChainStart(chain, {}, `never-${i}`, undefined, [], {}, undefined, `chain-${i}`);
    }
    expect(handler.openRuns).toBe(5);
    const evicted = t.spans();
    expect(evicted.map((s) => s.name)).toEqual([
      'invoke_workflow chain-0',
      'invoke_workflow chain-1',
      'invoke_workflow chain-2',
    ]);
    for (const span of evicted) expect(span.attributes[LC_ATTR.RUN_EVICTED]).toBe(true);
    handler.endOpenRuns();
    expect(handler.openRuns).toBe(0);
    expect(trackedRunCount()).toBe(0);
    expect(t.spans()).toHaveLength(8);
  });

  it('runs older than runTtlMs are evicted on a later start; an evicted model call is marked incomplete', async () => {
    const handler = new LLMeterCallbackHandler({ runTtlMs: 20 });
    handler.handleChatModelStart(chatModel, [[]], 'stale-llm', undefined, {}, [], {
      ls_provider: 'openai',
      ls_model_name: 'gpt-4o',
    });
    expect(liveInferenceCount()).toBe(1);
    await new Promise((r) => setTimeout(r, 40));
    handler.handleChainStart(chain, {}, 'fresh', undefined, [], {}, undefined, 'fresh');
    expect(handler.openRuns).toBe(1);
    expect(liveInferenceCount()).toBe(0);
    const [span] = t.spans();
    expect(span?.name).toBe('chat gpt-4o');
    expect(span?.attributes[LC_ATTR.RUN_EVICTED]).toBe(true);
    expect(span?.attributes[ATTR.LLMETER_STREAM_INCOMPLETE]).toBe(true);
    // the late end of an evicted run is ignored
    handler.handleLLMEnd({ generations: [] }, 'stale-llm');
    handler.handleChainEnd({}, 'fresh');
    expect(t.spans()).toHaveLength(2);
    expect(trackedRunCount()).toBe(0);
  });
});
