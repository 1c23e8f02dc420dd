/**
 * Fuzz: thousands of malformed provider answers (bodies and streams no real
 * server sends) served by the mock LLM to a plain and an instrumented client.
 * Whatever the plain client does — return a value, yield chunks, throw — the
 * instrumented one does exactly the same; every operation ends its span; the
 * metrics stay well-formed. LLMETER_FUZZ_RUNS raises the count (long mode).
 */
import { isDeepStrictEqual } from 'node:util';
import { instrumentOpenAI } from '@llmeter/openai';
import { type MockLLM, type MockReply, startMockLLM } from '@llmeter/testing';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import fc from 'fast-check';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// With the LangChain fuzz (packages/langchain/test/fuzz.test.ts), over 10,000 inputs per CI run.
const RUNS = Number(process.env.LLMETER_FUZZ_RUNS ?? 4000);

let mock: MockLLM;
let t: InMemoryLLMeter;
let plain: OpenAI;
let instrumented: OpenAI;

beforeAll(async () => {
  mock = await startMockLLM({ keepRequests: 10 });
  // Malformed input makes llmeter warn (once per distinct problem); CI logs need none of it.
  t = setupInMemory({ internalLogLevel: 'error' });
  // logLevel off: the SDK would print every unparsable chunk on stderr.
  const options = {
    apiKey: 'sk-fuzz',
    baseURL: mock.url,
    maxRetries: 0,
    timeout: 5000,
    logLevel: 'off' as const,
  };
  plain = new OpenAI(options);
  instrumented = instrumentOpenAI(new OpenAI(options));
});
afterAll(async () => {
  await t.shutdown();
  await mock.close();
});

// Values of every wrong kind a field can hold.
const weird = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double({ noNaN: true }), // JSON has no NaN; huge and negative numbers it has
  fc.constantFrom(1e308, -1, -0, 2 ** 53 + 1),
  fc.string({ maxLength: 8 }),
  fc.constantFrom('NaN', 'Infinity', '12', ''),
  fc.constant('m'.repeat(100_000)), // an enormous model name
  fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(fc.oneof(arb, weird), { nil: undefined });

const usage = fc.record(
  {
    prompt_tokens: maybe(fc.nat()),
    completion_tokens: maybe(fc.nat()),
    total_tokens: maybe(fc.nat()),
    input_tokens: maybe(fc.nat()),
    output_tokens: maybe(fc.nat()),
    prompt_tokens_details: maybe(fc.record({ cached_tokens: maybe(fc.nat()) })),
    completion_tokens_details: maybe(fc.record({ reasoning_tokens: maybe(fc.nat()) })),
  },
  { requiredKeys: [] },
);
const choice = fc.record(
  {
    index: maybe(fc.nat(3)),
    finish_reason: maybe(
      fc.constantFrom('stop', 'length', 'tool_calls', 'content_filter', 'a-reason-nobody-knows'),
    ),
    message: maybe(
      fc.record(
        { role: maybe(fc.constant('assistant')), content: maybe(fc.string()) },
        { requiredKeys: [] },
      ),
    ),
    delta: maybe(
      fc.record(
        {
          content: maybe(fc.string()),
          tool_calls: maybe(fc.array(fc.object({ maxDepth: 2 }), { maxLength: 2 })),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);
const payload = fc.record(
  {
    id: maybe(fc.string()),
    object: maybe(fc.constantFrom('chat.completion', 'chat.completion.chunk', 'response', 'list')),
    model: maybe(fc.constantFrom('gpt-4o-mini', 'gpt-4o-2024-08-06', 'unknown-model')),
    choices: maybe(fc.array(choice, { maxLength: 3 })), // empty `choices` included
    usage: maybe(usage),
    data: maybe(
      fc.array(fc.record({ embedding: maybe(fc.array(fc.double(), { maxLength: 3 })) }), {
        maxLength: 2,
      }),
    ),
    type: maybe(
      fc.constantFrom(
        'response.created',
        'response.output_text.delta',
        'response.completed',
        'response.failed',
        'error',
      ),
    ),
    response: maybe(
      fc.record(
        {
          id: maybe(fc.string()),
          model: maybe(fc.string()),
          usage: maybe(usage),
          status: maybe(fc.string()),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);

const sse = (events: readonly string[]) => events.map((e) => `data: ${e}\n\n`).join('');
const reply: fc.Arbitrary<MockReply> = fc.oneof(
  // a JSON body of the wrong shape, at any status
  fc.record({
    status: fc.constantFrom(200, 200, 200, 400, 429, 500, 503),
    body: payload.map((p) => JSON.stringify(p)),
  }),
  // a body that is not JSON at all, or cut off
  fc.record({
    body: fc.oneof(
      fc.string(),
      payload.map((p) => JSON.stringify(p).slice(0, 7)),
    ),
  }),
  // a stream of malformed chunks: wrong shapes, invalid JSON, truncation, no [DONE]
  fc.record({
    contentType: fc.constant('text/event-stream'),
    body: fc
      .tuple(
        fc.array(
          fc.oneof(
            payload.map((p) => JSON.stringify(p)),
            fc.string({ maxLength: 12 }),
          ),
          { maxLength: 6 },
        ),
        fc.boolean(),
        fc.nat(40),
      )
      .map(([events, done, cut]) => {
        const text = sse(done ? [...events, '[DONE]'] : events);
        return cut > 30 ? text.slice(0, Math.max(0, text.length - cut)) : text;
      }),
  }),
);

type Surface =
  | 'chat'
  | 'chat-stream'
  | 'responses'
  | 'responses-stream'
  | 'embeddings'
  | 'completions';
const surfaces: Surface[] = [
  'chat',
  'chat-stream',
  'responses',
  'responses-stream',
  'embeddings',
  'completions',
];

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

/** What the caller sees: the value (a stream's chunks, collected), or the error's class and message. */
async function call(client: OpenAI, surface: Surface): Promise<Outcome> {
  try {
    let value: unknown;
    const messages = [{ role: 'user' as const, content: 'hi' }];
    if (surface === 'chat')
      value = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    else if (surface === 'embeddings')
      value = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hi' });
    else if (surface === 'completions')
      value = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'hi' });
    else if (surface === 'responses')
      value = await client.responses.create({ model: 'gpt-4o-mini', input: 'hi' });
    else {
      const stream =
        surface === 'chat-stream'
          ? await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true })
          : await client.responses.create({ model: 'gpt-4o-mini', input: 'hi', stream: true });
      const chunks: unknown[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      value = chunks;
    }
    return { ok: true, value: JSON.parse(JSON.stringify(value ?? null)) };
  } catch (error) {
    const e = error as Error;
    return { ok: false, error: `${e?.constructor?.name}: ${e?.message}` };
  }
}

describe('fuzz: malformed provider answers through the mock server', () => {
  it(`leaves ${RUNS} malformed answers exactly as the plain client sees them, and ends every span`, async () => {
    let operations = 0;
    await fc.assert(
      fc.asyncProperty(reply, fc.constantFrom(...surfaces), async (r, surface) => {
        mock.setBehavior({ reply: r });
        const expected = await call(plain, surface);
        const actual = await call(instrumented, surface);
        operations++;
        if (!isDeepStrictEqual(actual, expected)) {
          throw new Error(
            `instrumented ${surface} differs:\n${JSON.stringify({ expected, actual }).slice(0, 2000)}`,
          );
        }
        if (operations % 500 === 0) t.reset(); // the in-memory exporter keeps spans; this test need not
      }),
      { numRuns: RUNS, seed: Number(process.env.LLMETER_FUZZ_SEED ?? 20261201) },
    );
    expect(operations).toBe(RUNS);

    // Every operation ended: each recorded its duration, nothing is in flight, every span finished.
    for (const span of t.spans()) expect(span.ended).toBe(true);
    const text = await t.metricsText();
    const durations = text
      .split('\n')
      .filter((l) => l.startsWith('gen_ai_client_operation_duration_seconds_count'))
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(durations).toBe(RUNS);
    const active = text.split('\n').filter((l) => l.startsWith('llmeter_client_active_requests{'));
    for (const line of active) expect(line).toMatch(/ 0$/);
    // Well-formed: every sample line parses, with a finite, non-negative value (no NaN, no -5 tokens).
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      expect(line).toMatch(/^[a-zA-Z_:][\w:]*(\{.*\})? \S+$/);
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      expect(Number.isFinite(value) && value >= 0, line).toBe(true);
    }
    const collected = await t.collectMetrics();
    for (const scope of collected.scopeMetrics) {
      for (const metric of scope.metrics) {
        for (const point of metric.dataPoints) {
          const v = point.value as number | { sum?: number; count: number };
          const n = typeof v === 'number' ? v : (v.sum ?? v.count);
          expect(Number.isFinite(n), metric.descriptor.name).toBe(true);
        }
      }
    }
  }, 600_000);
});
