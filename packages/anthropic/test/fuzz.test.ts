/**
 * Fuzz: thousands of malformed Anthropic answers (bodies and SSE streams no
 * real server sends) served by the mock LLM to a plain and an instrumented
 * client. Whatever the plain client does — return a message, yield events,
 * throw — the instrumented one does exactly the same; every operation ends
 * its span; the metrics stay well-formed. LLMETER_FUZZ_RUNS sets the count.
 */
import { isDeepStrictEqual } from 'node:util';
import Anthropic from '@anthropic-ai/sdk';
import { instrumentAnthropic } from '@llmeter/anthropic';
import { type MockLLM, type MockReply, startMockLLM } from '@llmeter/testing';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RUNS = Number(process.env.LLMETER_FUZZ_RUNS ?? 2000);

let mock: MockLLM;
let t: InMemoryLLMeter;
let plain: Anthropic;
let instrumented: Anthropic;

beforeAll(async () => {
  mock = await startMockLLM({ keepRequests: 10 });
  // Malformed input makes llmeter warn (once per distinct problem); CI logs need none of it.
  t = setupInMemory({ internalLogLevel: 'error' });
  // logLevel off: the SDK would print every unparsable event on stderr.
  const options = {
    apiKey: 'sk-ant-fuzz',
    baseURL: `http://127.0.0.1:${mock.port}`,
    maxRetries: 0,
    timeout: 5000,
    logLevel: 'off' as const,
  };
  plain = new Anthropic(options);
  instrumented = instrumentAnthropic(new Anthropic(options));
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
  fc.double({ noNaN: true }),
  fc.constantFrom(1e308, -1, -0, 2 ** 53 + 1),
  fc.string({ maxLength: 8 }),
  fc.constant('m'.repeat(100_000)), // an enormous model name
  fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(fc.oneof(arb, weird), { nil: undefined });
const loose = <T extends Record<string, fc.Arbitrary<unknown>>>(shape: T) =>
  fc.record(shape, { requiredKeys: [] });

const usage = loose({
  input_tokens: maybe(fc.nat()),
  output_tokens: maybe(fc.nat()),
  cache_read_input_tokens: maybe(fc.nat()),
  cache_creation_input_tokens: maybe(fc.nat()),
  output_tokens_details: maybe(loose({ thinking_tokens: maybe(fc.nat()) })),
});
const block = loose({
  type: maybe(
    fc.constantFrom(
      'text',
      'tool_use',
      'thinking',
      'redacted_thinking',
      'server_tool_use',
      'image',
    ),
  ),
  text: maybe(fc.string()),
  thinking: maybe(fc.string()),
  id: maybe(fc.string()),
  name: maybe(fc.string()),
  input: maybe(fc.object({ maxDepth: 1 })),
});
const message = loose({
  id: maybe(fc.string()),
  type: maybe(fc.constant('message')),
  role: maybe(fc.constant('assistant')),
  model: maybe(fc.constantFrom('claude-sonnet-4-5-20250929', 'claude-3-5-haiku', 'unknown-model')),
  content: maybe(fc.array(block, { maxLength: 3 })),
  stop_reason: maybe(
    fc.constantFrom('end_turn', 'max_tokens', 'tool_use', 'stop_sequence', 'refusal', 'new'),
  ),
  usage: maybe(usage),
});
const delta = loose({
  type: maybe(
    fc.constantFrom('text_delta', 'input_json_delta', 'thinking_delta', 'signature_delta', 'x'),
  ),
  text: maybe(fc.string()),
  partial_json: maybe(fc.string({ maxLength: 6 })),
  thinking: maybe(fc.string()),
  stop_reason: maybe(fc.constantFrom('end_turn', 'tool_use')),
});
const event = loose({
  type: maybe(
    fc.constantFrom(
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
      'ping',
      'error',
    ),
  ),
  message: maybe(message),
  index: maybe(fc.nat(3)),
  content_block: maybe(block),
  delta: maybe(delta),
  usage: maybe(usage),
  error: maybe(loose({ type: maybe(fc.string()), message: maybe(fc.string()) })),
});

/** `event:` names the SDK dispatches on; sometimes missing or not matching the data. */
const sse = (frames: readonly [string | undefined, string][]) =>
  frames
    .map(([name, data]) => `${name === undefined ? '' : `event: ${name}\n`}data: ${data}\n\n`)
    .join('');
const reply: fc.Arbitrary<MockReply> = fc.oneof(
  // a JSON body of the wrong shape, at any status
  fc.record({
    status: fc.constantFrom(200, 200, 200, 400, 429, 500, 529),
    body: fc.oneof(message, event).map((p) => JSON.stringify(p)),
  }),
  // a body that is not JSON at all, or cut off
  fc.record({
    body: fc.oneof(
      fc.string(),
      message.map((p) => JSON.stringify(p).slice(0, 7)),
    ),
  }),
  // a stream of malformed events: wrong shapes and order, invalid JSON, truncation
  fc.record({
    contentType: fc.constant('text/event-stream'),
    body: fc
      .tuple(
        fc.array(
          fc.oneof(
            event.map(
              (e) =>
                [typeof e.type === 'string' ? e.type : undefined, JSON.stringify(e)] as [
                  string | undefined,
                  string,
                ],
            ),
            fc.tuple(
              fc.option(fc.constantFrom('message_delta', 'error', 'x'), { nil: undefined }),
              fc.string({ maxLength: 12 }),
            ),
          ),
          { maxLength: 7 },
        ),
        fc.nat(40),
      )
      .map(([frames, cut]) => {
        const text = sse(frames);
        return cut > 30 ? text.slice(0, Math.max(0, text.length - cut)) : text;
      }),
  }),
);

type Surface = 'create' | 'create-stream' | 'stream-helper' | 'beta-create';
const surfaces: Surface[] = ['create', 'create-stream', 'stream-helper', 'beta-create'];
type Outcome = { ok: true; value: unknown } | { ok: false; error: string };
const BODY = {
  model: 'claude-sonnet-4-5',
  max_tokens: 16,
  messages: [{ role: 'user' as const, content: 'hi' }],
};

/** What the caller sees: the value (a stream's events, collected), or the error's class and message. */
async function call(client: Anthropic, surface: Surface): Promise<Outcome> {
  try {
    let value: unknown;
    if (surface === 'create') value = await client.messages.create(BODY);
    else if (surface === 'beta-create') value = await client.beta.messages.create(BODY);
    else if (surface === 'stream-helper') value = await client.messages.stream(BODY).finalMessage();
    else {
      const events: unknown[] = [];
      for await (const e of await client.messages.create({ ...BODY, stream: true })) events.push(e);
      value = events;
    }
    return { ok: true, value: JSON.parse(JSON.stringify(value ?? null)) };
  } catch (error) {
    const e = error as Error;
    return { ok: false, error: `${e?.constructor?.name}: ${e?.message}` };
  }
}

describe('fuzz: malformed Anthropic answers through the mock server', () => {
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
      { numRuns: RUNS, seed: Number(process.env.LLMETER_FUZZ_SEED ?? 20261202) },
    );
    expect(operations).toBe(RUNS);

    // Every operation ended: each recorded its duration, nothing is in flight, every span finished.
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const span of t.spans()) expect(span.ended).toBe(true);
    const text = await t.metricsText();
    const sumOf = (series: string) =>
      text
        .split('\n')
        .filter((l) => l.startsWith(series))
        .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(sumOf('gen_ai_client_operation_duration_seconds_count')).toBe(RUNS);
    for (const line of text
      .split('\n')
      .filter((l) => l.startsWith('llmeter_client_active_requests{'))) {
      expect(line).toMatch(/ 0$/);
    }
    // Well-formed: every sample line parses, with a finite, non-negative value.
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      expect(line).toMatch(/^[a-zA-Z_:][\w:]*(\{.*\})? \S+$/);
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      expect(Number.isFinite(value) && value >= 0, line).toBe(true);
    }
  }, 600_000);
});
