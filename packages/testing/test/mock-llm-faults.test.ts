import { type MockLLM, startMockLLM } from '@llmeter/testing';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

let mock: MockLLM;
let client: OpenAI;
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }] };

beforeAll(async () => {
  mock = await startMockLLM();
  client = new OpenAI({ baseURL: mock.url, apiKey: 'sk-test', maxRetries: 0 });
});
afterEach(() => mock.reset());
afterAll(() => mock.close());

describe('mock LLM: injected faults', () => {
  it('surfaces 429 as RateLimitError with OpenAI error body and retry-after', async () => {
    mock.setBehavior({ errorStatus: 429, retryAfterSeconds: 7 });
    const error = await client.chat.completions.create(chat).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimit.status).toBe(429);
    expect(rateLimit.code).toBe('rate_limit_exceeded');
    expect(rateLimit.type).toBe('requests');
    expect(rateLimit.headers?.get('retry-after')).toBe('7');
    expect(rateLimit.requestID).toMatch(/^req_/);
  });

  it('surfaces 500 from a header as InternalServerError, for that request only', async () => {
    const error = await client.chat.completions
      .create(chat, { headers: { 'x-mock-error-status': '500' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    await expect(client.chat.completions.create(chat)).resolves.toMatchObject({
      object: 'chat.completion',
    });
  });

  it('fails only errorTimes requests, so an SDK retry succeeds', async () => {
    mock.setBehavior({ errorStatus: 429, errorTimes: 1, retryAfterSeconds: 0 });
    const retrying = new OpenAI({ baseURL: mock.url, apiKey: 'sk-test', maxRetries: 2 });
    const completion = await retrying.chat.completions.create(chat);
    expect(completion.object).toBe('chat.completion');
    expect(mock.requests).toHaveLength(2);
    mock.setBehavior({ errorStatus: undefined });
    expect(mock.behavior.errorStatus).toBeUndefined();
  });

  it('hangs until the client times out', async () => {
    const started = Date.now();
    const error = await client.chat.completions
      .create(chat, { headers: { 'x-mock-hang': '1' }, timeout: 300 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(mock.requests).toHaveLength(1);
  });

  it('delays the first chunk after the headers, and later chunks by chunkDelayMs', async () => {
    const started = performance.now();
    const stream = await client.chat.completions.create(
      { ...chat, stream: true },
      {
        headers: {
          'x-mock-first-chunk-delay-ms': '150',
          'x-mock-chunk-delay-ms': '20',
          'x-mock-chunks': '3',
        },
      },
    );
    const headersAt = performance.now() - started;
    const times: number[] = [];
    for await (const _ of stream) times.push(performance.now() - started);
    expect(headersAt).toBeLessThan(120);
    expect(times[0]).toBeGreaterThanOrEqual(140);
    // role chunk, 3 content chunks, finish chunk: 4 gaps of 20 ms after the first.
    expect((times.at(-1) ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(70);
  });

  it('breaks the connection mid-stream after failAfterChunks', async () => {
    const stream = await client.chat.completions.create(
      { ...chat, stream: true },
      { headers: { 'x-mock-fail-after-chunks': '2' } },
    );
    const received: unknown[] = [];
    const error = await (async () => {
      for await (const chunk of stream) received.push(chunk);
    })().catch((e: unknown) => e);
    expect(received).toHaveLength(2);
    expect(error).toBeInstanceOf(Error);
  });

  it('sends malformed JSON and truncated SSE when asked', async () => {
    const badJson = await client.chat.completions
      .create(chat, { headers: { 'x-mock-malformed': '1' } })
      .catch((e: unknown) => e);
    expect(badJson).toBeInstanceOf(Error);

    const stream = await client.chat.completions.create(
      { ...chat, stream: true },
      { headers: { 'x-mock-malformed': '1' } },
    );
    const received: unknown[] = [];
    const badSse = await (async () => {
      for await (const chunk of stream) received.push(chunk);
    })().catch((e: unknown) => e);
    expect(received.length).toBeGreaterThan(0);
    expect(badSse).toBeInstanceOf(SyntaxError);
  });

  it('serves different knobs to concurrent requests', async () => {
    const [slow, fast] = await Promise.all([
      client.chat.completions.create(chat, {
        headers: { 'x-mock-first-chunk-delay-ms': '100', 'x-mock-chunks': '2' },
      }),
      client.chat.completions.create(chat, { headers: { 'x-mock-chunks': '1' } }),
    ]);
    expect(slow.choices[0]?.message.content).toBe('This is');
    expect(fast.choices[0]?.message.content).toBe('This');
    expect(mock.requests).toHaveLength(2);
  });

  it('closes promptly with hung and streaming connections open', async () => {
    const other = await startMockLLM({ hang: true });
    const otherClient = new OpenAI({ baseURL: other.url, apiKey: 'sk-test', maxRetries: 0 });
    const pending = otherClient.chat.completions.create(chat).catch((e: unknown) => e);
    while (other.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(500);
    expect(await pending).toBeInstanceOf(OpenAI.APIConnectionError);
  });
});
