/**
 * Fuzz: thousands of malformed Gemini answers (bodies and SSE streams no real
 * server sends) served by the mock LLM to a plain and an instrumented client.
 * Whatever the plain client does (return a value, yield chunks, throw) the
 * instrumented one does exactly the same; every operation ends its span; the
 * metrics stay well-formed. LLMETER_FUZZ_RUNS raises the count (long mode).
 */
import { isDeepStrictEqual } from 'node:util';
import { GoogleGenAI } from '@google/genai';
import { instrumentGoogleGenAI } from '@llmeter/google-genai';
import { type MockLLM, type MockReply, startMockLLM } from '@llmeter/testing';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RUNS = Number(process.env.LLMETER_FUZZ_RUNS ?? 2000);

let mock: MockLLM;
let t: InMemoryLLMeter;
let plain: GoogleGenAI;
let instrumented: GoogleGenAI;

beforeAll(async () => {
  mock = await startMockLLM({ keepRequests: 10 });
  t = setupInMemory({ internalLogLevel: 'error' });
  const options = {
    apiKey: 'gemini-fuzz-key',
    httpOptions: { baseUrl: new URL(mock.url).origin, timeout: 5000 },
  };
  plain = new GoogleGenAI(options);
  instrumented = instrumentGoogleGenAI(new GoogleGenAI(options));
});
afterAll(async () => {
  await t.shutdown();
  await mock.close();
});

const weird = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double({ noNaN: true }),
  fc.constantFrom(1e308, -1, -0, 2 ** 53 + 1),
  fc.string({ maxLength: 8 }),
  fc.constantFrom('NaN', 'Infinity', '12', ''),
  fc.constant('m'.repeat(100_000)),
  fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(fc.oneof(arb, weird), { nil: undefined });

const usageMetadata = fc.record(
  {
    promptTokenCount: maybe(fc.nat()),
    candidatesTokenCount: maybe(fc.nat()),
    thoughtsTokenCount: maybe(fc.nat()),
    cachedContentTokenCount: maybe(fc.nat()),
    toolUsePromptTokenCount: maybe(fc.nat()),
    totalTokenCount: maybe(fc.nat()),
  },
  { requiredKeys: [] },
);
const part = fc.oneof(
  fc.record({ text: maybe(fc.string()), thought: maybe(fc.boolean()) }, { requiredKeys: [] }),
  fc.record({
    functionCall: maybe(
      fc.record(
        { name: maybe(fc.string()), args: maybe(fc.object({ maxDepth: 1 })) },
        { requiredKeys: [] },
      ),
    ),
  }),
  fc.record({
    inlineData: maybe(
      fc.record({ mimeType: maybe(fc.string()), data: maybe(fc.string()) }, { requiredKeys: [] }),
    ),
  }),
  weird,
);
const candidate = fc.record(
  {
    index: maybe(fc.nat(3)),
    finishReason: maybe(
      fc.constantFrom('STOP', 'MAX_TOKENS', 'SAFETY', 'RECITATION', 'MALFORMED_FUNCTION_CALL', ''),
    ),
    content: maybe(
      fc.record(
        { role: maybe(fc.constant('model')), parts: maybe(fc.array(part, { maxLength: 3 })) },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);
const payload = fc.record(
  {
    candidates: maybe(fc.array(candidate, { maxLength: 3 })),
    usageMetadata: maybe(usageMetadata),
    modelVersion: maybe(fc.constantFrom('gemini-2.5-flash', 'gemini-2.5-pro-002', 'unknown-model')),
    responseId: maybe(fc.string()),
    promptFeedback: maybe(fc.record({ blockReason: maybe(fc.string()) }, { requiredKeys: [] })),
    embeddings: maybe(
      fc.array(fc.record({ values: maybe(fc.array(fc.double(), { maxLength: 3 })) }), {
        maxLength: 2,
      }),
    ),
    error: maybe(
      fc.record(
        {
          code: maybe(fc.constantFrom(400, 429, 500, 200)),
          message: maybe(fc.string()),
          status: maybe(fc.string()),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);

const sse = (events: readonly string[], crlf: boolean) =>
  events.map((e) => `data: ${e}${crlf ? '\r\n\r\n' : '\n\n'}`).join('');
const reply: fc.Arbitrary<MockReply> = fc.oneof(
  fc.record({
    status: fc.constantFrom(200, 200, 200, 400, 429, 500, 503),
    body: payload.map((p) => JSON.stringify(p)),
  }),
  fc.record({
    body: fc.oneof(
      fc.string(),
      payload.map((p) => JSON.stringify(p).slice(0, 7)),
    ),
  }),
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
      .map(([events, crlf, cut]) => {
        const text = sse(events, crlf);
        return cut > 30 ? text.slice(0, Math.max(0, text.length - cut)) : text;
      }),
  }),
);

type Surface = 'generate' | 'stream' | 'stream-raw' | 'embed' | 'chat' | 'chat-stream';
const surfaces: Surface[] = ['generate', 'stream', 'stream-raw', 'embed', 'chat', 'chat-stream'];
type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

/** Without the HTTP headers the SDK attaches (a `date` may tick between the two calls). */
function comparable(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value ?? null, (key, v) => (key === 'sdkHttpResponse' ? undefined : v)),
  );
}

async function drain(iterable: AsyncIterable<unknown>): Promise<unknown[]> {
  const chunks: unknown[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}

async function call(client: GoogleGenAI, surface: Surface): Promise<Outcome> {
  const model = 'gemini-2.5-flash';
  try {
    let value: unknown;
    if (surface === 'generate')
      value = await client.models.generateContent({ model, contents: 'hi' });
    else if (surface === 'embed')
      value = await client.models.embedContent({ model: 'gemini-embedding-001', contents: 'hi' });
    else if (surface === 'chat')
      value = await client.chats.create({ model }).sendMessage({ message: 'hi' });
    else if (surface === 'chat-stream')
      value = await drain(
        await client.chats.create({ model }).sendMessageStream({ message: 'hi' }),
      );
    else {
      const config = surface === 'stream-raw' ? { automaticContinuation: false } : {};
      value = await drain(
        await client.models.generateContentStream({ model, contents: 'hi', config }),
      );
    }
    return { ok: true, value: comparable(value) };
  } catch (error) {
    const e = error as Error;
    return { ok: false, error: `${e?.constructor?.name}: ${e?.message}` };
  }
}

describe('fuzz: malformed Gemini answers through the mock server', () => {
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
        if (operations % 500 === 0) t.reset();
      }),
      { numRuns: RUNS, seed: Number(process.env.LLMETER_FUZZ_SEED ?? 20261202) },
    );
    expect(operations).toBe(RUNS);

    for (const span of t.spans()) expect(span.ended).toBe(true);
    const text = await t.metricsText();
    const durations = text
      .split('\n')
      .filter((l) => l.startsWith('gen_ai_client_operation_duration_seconds_count'))
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(durations).toBe(RUNS);
    const active = text.split('\n').filter((l) => l.startsWith('llmeter_client_active_requests{'));
    for (const line of active) expect(line).toMatch(/ 0$/);
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      expect(line).toMatch(/^[a-zA-Z_:][\w:]*(\{.*\})? \S+$/);
      const value = Number(line.slice(line.lastIndexOf(' ') + 1));
      expect(Number.isFinite(value) && value >= 0, line).toBe(true);
    }
  }, 600_000);
});
