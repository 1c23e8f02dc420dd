/**
 * Fuzz: malformed LangChain callback payloads, in random orders, straight
 * into the handler (what a buggy integration or a future LangChain release
 * could send). No handler method throws or rejects, every run that is ended
 * ends its span, and the metrics stay well-formed. LLMETER_FUZZ_RUNS raises
 * the count (long mode).
 */

import { observedInferenceCount as liveInferenceCount } from '@llmeter/core/internal';
import { LLMeterCallbackHandler } from '@llmeter/langchain';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackedRunCount } from '../src/run-store';

// With the OpenAI fuzz (packages/openai/test/fuzz.test.ts), over 10,000 inputs per CI run.
const RUNS = Number(process.env.LLMETER_FUZZ_RUNS ?? 6500);

let t: InMemoryLLMeter;
beforeAll(() => {
  // Malformed input makes llmeter warn (once per distinct problem); CI logs need none of it.
  t = setupInMemory({ internalLogLevel: 'error' });
});
afterAll(() => t.shutdown());

const serialized = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.record({
    lc: fc.constant(1),
    type: fc.constantFrom('constructor', 'not_implemented', 'secret'),
    id: fc.oneof(
      fc.constant(['langchain', 'chat_models', 'openai', 'ChatOpenAI']),
      fc.constant(['langchain', 'chat_models', 'anthropic', 'ChatAnthropic']),
      fc.array(fc.anything({ maxDepth: 0 }), { maxLength: 4 }),
    ),
    kwargs: fc.oneof(
      fc.anything({ maxDepth: 2 }),
      fc.record(
        { model: fc.anything({ maxDepth: 0 }), configuration: fc.anything({ maxDepth: 1 }) },
        { requiredKeys: [] },
      ),
    ),
  }),
);
const garbage = fc.anything({
  maxDepth: 3,
  withBigInt: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
});
const llmResult = fc.oneof(
  garbage,
  fc.record(
    {
      generations: fc.oneof(
        garbage,
        fc.array(
          fc.array(
            fc.record(
              { text: garbage, message: garbage, generationInfo: garbage },
              { requiredKeys: [] },
            ),
            { maxLength: 2 },
          ),
          { maxLength: 2 },
        ),
      ),
      llmOutput: fc.oneof(
        garbage,
        fc.record({ tokenUsage: garbage, estimatedTokenUsage: garbage }, { requiredKeys: [] }),
      ),
    },
    { requiredKeys: [] },
  ),
);
const thrown = fc.oneof(
  garbage,
  fc.string().map((m) => new Error(m)),
  fc.constant(Object.create(null)),
);

/** A small pool of run ids, so that ends meet starts (and sometimes starts meet starts). */
const runId = fc.oneof(fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5'), garbage);
const parent = fc.oneof(fc.constant(undefined), fc.constantFrom('r1', 'r2', 'r3'), garbage);

type Call = [method: string, args: unknown[]];
const call: fc.Arbitrary<Call> = fc.oneof(
  fc.tuple(
    fc.constant('handleLLMStart'),
    fc.tuple(serialized, garbage, runId, parent, garbage, garbage, garbage),
  ),
  fc.tuple(
    fc.constant('handleChatModelStart'),
    fc.tuple(serialized, garbage, runId, parent, garbage, garbage, garbage),
  ),
  fc.tuple(fc.constant('handleLLMNewToken'), fc.tuple(garbage, garbage, runId)),
  fc.tuple(fc.constant('handleChatModelStreamEvent'), fc.tuple(garbage, runId)),
  fc.tuple(fc.constant('handleLLMEnd'), fc.tuple(llmResult, runId)),
  fc.tuple(fc.constant('handleLLMError'), fc.tuple(thrown, runId)),
  fc.tuple(
    fc.constant('handleChainStart'),
    fc.tuple(serialized, garbage, runId, parent, garbage, garbage, garbage, garbage),
  ),
  fc.tuple(fc.constant('handleChainEnd'), fc.tuple(garbage, runId)),
  fc.tuple(fc.constant('handleChainError'), fc.tuple(thrown, runId)),
  fc.tuple(
    fc.constant('handleToolStart'),
    fc.tuple(serialized, garbage, runId, parent, garbage, garbage, garbage),
  ),
  fc.tuple(fc.constant('handleToolEnd'), fc.tuple(garbage, runId)),
  fc.tuple(fc.constant('handleToolError'), fc.tuple(thrown, runId)),
  fc.tuple(fc.constant('handleAgentAction'), fc.tuple(garbage, runId)),
  fc.tuple(fc.constant('handleAgentEnd'), fc.tuple(garbage, runId)),
  fc.tuple(
    fc.constant('handleRetrieverStart'),
    fc.tuple(serialized, garbage, runId, parent, garbage, garbage),
  ),
  fc.tuple(fc.constant('handleRetrieverEnd'), fc.tuple(garbage, runId)),
  fc.tuple(fc.constant('handleRetrieverError'), fc.tuple(thrown, runId)),
) as fc.Arbitrary<Call>;

const POOL = ['r1', 'r2', 'r3', 'r4', 'r5'];

describe('fuzz: malformed LangChain callback payloads', () => {
  it(`takes ${RUNS} random sequences of malformed callbacks without a throw, and ends what it starts`, async () => {
    const handler = new LLMeterCallbackHandler() as unknown as Record<
      string,
      (...args: unknown[]) => unknown
    >;
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 8 }), async (calls) => {
        for (const [method, args] of calls) {
          // A sync throw or a rejected promise would both reach LangChain's callback manager.
          await handler[method]!(...args);
        }
        // Close whatever is still open, as LangChain would on the way out; then nothing is left.
        const started = calls.flatMap(([, args]) => args.filter((a) => typeof a === 'string'));
        for (const id of new Set([...POOL, ...started])) {
          handler.handleChainError!(new Error('cleanup'), id);
        }
        expect((handler as unknown as LLMeterCallbackHandler).openRuns).toBe(0);
        expect(trackedRunCount()).toBe(0);
        expect(liveInferenceCount()).toBe(0);
      }),
      { numRuns: RUNS, seed: Number(process.env.LLMETER_FUZZ_SEED ?? 20261201) },
    );
    // Malformed or not, most sequences start runs: their spans are there, and ended.
    expect(t.spans().length).toBeGreaterThan(RUNS / 2);
    for (const span of t.spans()) expect(span.ended).toBe(true);
    const text = await t.metricsText();
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      expect(line).toMatch(/^[a-zA-Z_:][\w:]*(\{.*\})? \S+$/);
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      expect(Number.isFinite(value) && value >= 0, line).toBe(true);
    }
    const active = text.split('\n').filter((l) => l.startsWith('llmeter_client_active_requests{'));
    for (const line of active) expect(line).toMatch(/ 0$/);
  }, 600_000);
});
