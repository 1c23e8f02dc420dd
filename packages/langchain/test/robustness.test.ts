import { FakeListChatModel } from '@langchain/core/utils/testing';
import { METRIC } from '@llmeter/core';
import { LLMeterCallbackHandler } from '@llmeter/langchain';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { trackedRunCount } from '../src/run-store';
import { total } from './helpers';

let t: InMemoryLLMeter;
beforeAll(() => {
  // internal errors are expected here (and logged once per site): keep stderr quiet
  t = setupInMemory({ captureContent: true, internalLogLevel: 'silent' });
});
afterAll(() => t.shutdown());

const hostile = new Proxy(
  {},
  {
    get() {
      throw new Error('getter exploded');
    },
    has() {
      throw new Error('has exploded');
    },
    ownKeys() {
      throw new Error('ownKeys exploded');
    },
  },
);
const cyclic: Record<string, unknown> = { content: 'x' };
cyclic.self = cyclic;

const weird: unknown[] = [
  undefined,
  null,
  0,
  Number.NaN,
  '',
  'x'.repeat(100_000),
  [],
  [[]],
  [[hostile]],
  {},
  { id: 'not-an-array', kwargs: 42 },
  { id: [1, 2, 3], kwargs: { configuration: { baseURL: 'not a url' } } },
  { generations: [[{ message: cyclic, generationInfo: hostile }]], llmOutput: hostile },
  { generations: 'nope', llmOutput: { tokenUsage: { promptTokens: -1, completionTokens: 'x' } } },
  cyclic,
  hostile,
  Symbol('s'),
  () => {},
];

type Method = (...args: unknown[]) => unknown;

describe('handler methods never throw', () => {
  it('survive malformed payloads in every position, and leave no state for runs that cannot be tracked', () => {
    const handler = new LLMeterCallbackHandler();
    const methods = Object.getOwnPropertyNames(LLMeterCallbackHandler.prototype).filter((name) =>
      name.startsWith('handle'),
    );
    expect(methods.length).toBeGreaterThanOrEqual(16);
    let calls = 0;
    for (const name of methods) {
      const method = (handler as unknown as Record<string, Method>)[name] as Method;
      for (const value of weird) {
        for (let position = 0; position < 9; position++) {
          const args: unknown[] = [
            {},
            [[]],
            `run-${name}-${calls}`,
            undefined,
            {},
            [],
            {},
            'n',
            'tc',
          ];
          args[position] = value;
          expect(() => method.apply(handler, args)).not.toThrow();
          calls++;
        }
      }
    }
    expect(calls).toBeGreaterThan(2000);
    // every start above may have opened a run; ending them all must work and leave nothing
    handler.endOpenRuns();
    expect(handler.openRuns).toBe(0);
    expect(trackedRunCount()).toBe(0);
  });

  it('a run whose end payload cannot be read still ends its span and in-flight count', async () => {
    t.reset();
    await t.collectMetrics();
    const handler = new LLMeterCallbackHandler();
    const model = { lc: 1, type: 'not_implemented', id: ['ChatOpenAI'] };
    const tool = { lc: 1, type: 'not_implemented', id: ['search'] };
    handler.handleChatModelStart(model, [[hostile]], 'r1', undefined, hostile, [], {
      ls_model_name: 'gpt-4o',
    });
    handler.handleLLMEnd(hostile, 'r1');
    handler.handleToolStart(tool, hostile, 'r2', undefined, [], {}, 'search');
    handler.handleToolEnd(hostile, 'r2');
    handler.handleRetrieverStart(tool, 'q', 'r3');
    handler.handleRetrieverEnd(
      new Proxy([], {
        get() {
          throw new Error('x');
        },
      }),
      'r3',
    );
    // (the model name sat behind the hostile extraParams: the span is named by operation alone)
    expect(
      t
        .spans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['chat', 'execute_tool search', 'retrieval search']);
    const m = await t.collectMetrics();
    expect(total(t.metric(m, METRIC.CLIENT_ACTIVE_REQUESTS))).toBe(0);
    expect(handler.openRuns).toBe(0);
  });

  it('ends, tokens and errors for unknown run ids are ignored', () => {
    const handler = new LLMeterCallbackHandler();
    expect(() => {
      handler.handleLLMNewToken('x', { prompt: 0, completion: 0 }, 'unknown');
      handler.handleLLMEnd({ generations: [] }, 'unknown');
      handler.handleLLMError(new Error('x'), 'unknown');
      handler.handleChainEnd({}, 'unknown');
      handler.handleToolError(new Error('x'), 'unknown');
      handler.handleRetrieverEnd([], 'unknown');
      handler.handleAgentAction({}, 'unknown');
    }).not.toThrow();
  });

  it('LangChain never has to report an error from the handler', async () => {
    const warn = vi.spyOn(console, 'warn');
    const error = vi.spyOn(console, 'error');
    const handler = new LLMeterCallbackHandler();
    await new FakeListChatModel({ responses: ['ok'] }).invoke('hi', { callbacks: [handler] });
    expect(warn.mock.calls.filter((c) => String(c[0]).includes('Error in handler'))).toEqual([]);
    expect(error.mock.calls.filter((c) => String(c[0]).includes('Error in handler'))).toEqual([]);
    warn.mockRestore();
    error.mockRestore();
  });

  it('bad options fall back to defaults', () => {
    for (const options of [
      null,
      42,
      'x',
      { maxRuns: -1, runTtlMs: Number.NaN, agentRunNames: 'x' },
    ]) {
      expect(() => new LLMeterCallbackHandler(options as never)).not.toThrow();
    }
  });
});
