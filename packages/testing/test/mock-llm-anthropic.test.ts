import Anthropic from '@anthropic-ai/sdk';
import { type MockLLM, startMockLLM } from '@llmeter/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

/** The real Anthropic SDK against the mock's Messages API; nothing is mocked in the process. */
let mock: MockLLM;
let client: Anthropic;
const BODY = {
  model: 'claude-sonnet-4-5',
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: 'hi' }],
};
const WEATHER = {
  name: 'get_weather',
  description: 'Weather of a city',
  input_schema: {
    type: 'object' as const,
    properties: { city: { type: 'string' }, days: { type: 'integer' } },
  },
};

beforeAll(async () => {
  mock = await startMockLLM();
  // The SDK adds /v1/messages itself: its base URL is the server's root.
  client = new Anthropic({
    apiKey: 'sk-ant-test',
    baseURL: `http://127.0.0.1:${mock.port}`,
    maxRetries: 0,
  });
});
afterEach(() => mock.reset());
afterAll(() => mock.close());

async function events(stream: AsyncIterable<{ type: string }>) {
  const out: any[] = [];
  for await (const event of stream) out.push(event);
  return out;
}

describe('mock LLM: Anthropic Messages API', () => {
  it('answers messages.create with a message, a dated model and usage', async () => {
    const { data, response } = await client.messages.create(BODY).withResponse();
    expect(data).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20251001',
      stop_reason: 'end_turn',
      content: [{ type: 'text', text: 'This is a reply from the mock LLM.' }],
      usage: { output_tokens: 8, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    });
    expect(data.id).toMatch(/^msg_/);
    expect(data.usage.input_tokens).toBeGreaterThan(0);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    expect((data as any)._request_id).toBe(response.headers.get('request-id'));
    expect(mock.requests.at(-1)).toMatchObject({ method: 'POST', path: '/v1/messages' });
  });

  it('streams the real event sequence, with ping and cumulative usage in message_delta', async () => {
    const stream = await client.messages.create({ ...BODY, stream: true });
    const seen = await events(stream);
    const types = seen.map((e) => e.type);
    // The SDK drops `ping`; the wire carries it (checked below).
    expect(types[0]).toBe('message_start');
    expect(types.slice(1, 2)).toEqual(['content_block_start']);
    expect(types.filter((t) => t === 'content_block_delta')).toHaveLength(8);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    const start = seen[0].message;
    const delta = seen.at(-2);
    expect(delta.delta.stop_reason).toBe('end_turn');
    expect(delta.usage).toEqual({ ...start.usage, output_tokens: 8, service_tier: undefined });
    const raw = await fetch(`http://127.0.0.1:${mock.port}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify({ ...BODY, stream: true }),
    }).then((r) => r.text());
    expect(raw).toContain('event: ping\ndata: {"type":"ping"}');
  });

  it('calls a tool, streamed as input_json_delta fragments that parse to the input', async () => {
    const tools = [WEATHER];
    const message = await client.messages.create({ ...BODY, tools, tool_choice: { type: 'any' } });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      {
        type: 'tool_use',
        id: expect.stringMatching(/^toolu_/),
        name: 'get_weather',
        input: { city: 'mock', days: 1 },
      },
    ]);
    const seen = await events(
      await client.messages.create({
        ...BODY,
        tools,
        tool_choice: { type: 'tool', name: 'get_weather' },
        stream: true,
      }),
    );
    const json = seen
      .filter((e) => e.type === 'content_block_delta')
      .map((e) => {
        expect(e.delta.type).toBe('input_json_delta');
        return e.delta.partial_json;
      })
      .join('');
    expect(JSON.parse(json)).toEqual({ city: 'mock', days: 1 });
    // The stream helper assembles the same tool call.
    const final = await client.messages
      .stream({ ...BODY, tools, tool_choice: { type: 'any' } })
      .finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'tool_use', input: { city: 'mock', days: 1 } });
  });

  it('answers a tool result with text', async () => {
    const message = await client.messages.create({
      ...BODY,
      tools: [WEATHER],
      tool_choice: { type: 'any' },
      messages: [
        { role: 'user', content: 'weather?' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} }],
        },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }],
        },
      ],
    });
    expect(message.stop_reason).toBe('end_turn');
    expect(message.content[0]?.type).toBe('text');
  });

  it('thinks first when thinking is on: thinking_delta, then signature_delta', async () => {
    const body = { ...BODY, thinking: { type: 'enabled' as const, budget_tokens: 1024 } };
    const message = await client.messages.create(body);
    expect(message.content[0]).toEqual({
      type: 'thinking',
      thinking: 'Let me think about this.',
      signature: 'sig_mock',
    });
    const deltas = (await events(await client.messages.create({ ...body, stream: true })))
      .filter((e) => e.type === 'content_block_delta')
      .map((e) => e.delta.type);
    expect(deltas.slice(0, 6)).toEqual([...Array(5).fill('thinking_delta'), 'signature_delta']);
    expect(deltas.slice(6).every((t) => t === 'text_delta')).toBe(true);
  });

  it('reports prompt cache reads and writes apart from input_tokens', async () => {
    const plain = await client.messages.create(BODY);
    const cached = await client.messages.create(BODY, {
      headers: { 'x-mock-cached-tokens': '3', 'x-mock-cache-write-tokens': '2' },
    });
    expect(cached.usage.cache_read_input_tokens).toBe(3);
    expect(cached.usage.cache_creation_input_tokens).toBe(2);
    expect(cached.usage.input_tokens).toBe(plain.usage.input_tokens - 5);
  });

  it('counts tokens', async () => {
    const { input_tokens } = await client.messages.countTokens({
      model: BODY.model,
      messages: BODY.messages,
    });
    expect(input_tokens).toBe((await client.messages.create(BODY)).usage.input_tokens);
    expect(mock.requests.at(-2)?.path).toBe('/v1/messages/count_tokens');
  });

  it("answers injected errors in Anthropic's shape, status and SDK class", async () => {
    const cases = [
      [400, Anthropic.BadRequestError, 'invalid_request_error'],
      [401, Anthropic.AuthenticationError, 'authentication_error'],
      [404, Anthropic.NotFoundError, 'not_found_error'],
      [429, Anthropic.RateLimitError, 'rate_limit_error'],
      [500, Anthropic.InternalServerError, 'api_error'],
      [529, Anthropic.InternalServerError, 'overloaded_error'],
    ] as const;
    for (const [status, cls, type] of cases) {
      const error: any = await client.messages
        .create(BODY, { headers: { 'x-mock-error-status': String(status) } })
        .catch((e: unknown) => e);
      expect(error, String(status)).toBeInstanceOf(cls);
      expect(error.status).toBe(status);
      expect(error.type).toBe(type);
      expect(error.error).toMatchObject({ type: 'error', error: { type } });
      expect(error.requestID).toMatch(/^req_/);
    }
    mock.setBehavior({ errorStatus: 429, retryAfterSeconds: 7 });
    const limited: any = await client.messages.create(BODY).catch((e: unknown) => e);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
  });

  it('sends an error event mid-stream after HTTP 200', async () => {
    const stream = await client.messages.create(
      { ...BODY, stream: true },
      { headers: { 'x-mock-response-error-code': 'overloaded_error' } },
    );
    const seen: string[] = [];
    const error: any = await (async () => {
      for await (const event of stream) seen.push(event.type);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error.type).toBe('overloaded_error');
    expect(seen).toContain('content_block_delta');
    expect(seen).not.toContain('message_stop');
  });

  it('honours the timing, count and fault knobs', async () => {
    const few = await client.messages.create(BODY, { headers: { 'x-mock-chunks': '3' } });
    expect(few.usage.output_tokens).toBe(3);
    const fixed = await client.messages.create(BODY, {
      headers: { 'x-mock-content': 'Two words' },
    });
    expect(fixed.content[0]).toMatchObject({ text: 'Two words' });
    const cut = await client.messages.create(
      { ...BODY, stream: true },
      { headers: { 'x-mock-fail-after-chunks': '2', 'x-mock-chunk-delay-ms': '1' } },
    );
    const cutError = await events(cut).catch((e: unknown) => e);
    expect(cutError).toBeInstanceOf(Error);
    const malformed = await client.messages
      .create(BODY, { headers: { 'x-mock-malformed': '1' } })
      .catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(Error);
    const stalled = await client.messages
      .create(BODY, { headers: { 'x-mock-hang': '1' }, timeout: 200 })
      .catch((e: unknown) => e);
    expect(stalled).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
    const delayed = await client.messages.create(
      { ...BODY, stream: true },
      { headers: { 'x-mock-first-chunk-delay-ms': '30' } },
    );
    expect((await events(delayed)).length).toBeGreaterThan(3);
  });
});
