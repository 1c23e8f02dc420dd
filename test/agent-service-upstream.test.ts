/**
 * Where the example agent service sends its model calls (examples/agent-service/src/upstream.mjs):
 * OPENAI_BASE_URL → that OpenAI-compatible server, OPENAI_API_KEY alone → the real OpenAI API,
 * neither → the embedded mock LLM. The "external" server here is a @llmeter/testing mock started
 * by the test, on loopback, that the service only knows by its URL: nothing reaches OpenAI.
 */
import { type MockLLM, startMockLLM } from '@llmeter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helpers without type declarations
import { ISOLATED_ENV, launchAgentService } from '../examples/agent-service/launch.mjs';
// @ts-expect-error plain ESM helpers without type declarations
import { connectUpstream } from '../examples/agent-service/src/upstream.mjs';

const OPENAI_API = 'https://api.openai.com/v1';
const EXTERNAL_KEY = 'sk-external-test';
const REQUEST_TIMEOUT_MS = 15_000;

describe('connectUpstream picks the upstream from the environment', () => {
  it('OPENAI_API_KEY alone: the real OpenAI API, with retries, no mock header forwarding', async () => {
    const upstream = await connectUpstream({ OPENAI_API_KEY: 'sk-real' });
    expect(upstream).toMatchObject({
      mode: 'openai',
      baseURL: OPENAI_API,
      apiKey: 'sk-real',
      maxRetries: 2,
      fetch: undefined,
    });
    await upstream.close();
  });

  it('OPENAI_BASE_URL: that server, with the key when one is set, else a placeholder', async () => {
    const url = 'http://127.0.0.1:9/v1';
    expect(await connectUpstream({ OPENAI_BASE_URL: url })).toMatchObject({
      mode: 'openai-compatible',
      baseURL: url,
      apiKey: 'unused',
      fetch: undefined,
    });
    // The base URL wins over the key: a gateway that wants OpenAI's key gets it, not OpenAI.
    expect(await connectUpstream({ OPENAI_BASE_URL: url, OPENAI_API_KEY: 'sk-x' })).toMatchObject({
      mode: 'openai-compatible',
      baseURL: url,
      apiKey: 'sk-x',
    });
  });

  it('neither: starts the mock LLM on loopback, and close() stops it', async () => {
    const upstream = await connectUpstream({});
    try {
      expect(upstream.mode).toBe('mock');
      expect(new URL(upstream.baseURL).hostname).toBe('127.0.0.1');
      const answer = await fetch(`${upstream.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      expect(await answer.json()).toMatchObject({ object: 'chat.completion' });
    } finally {
      await upstream.close();
    }
    await expect(
      fetch(`${upstream.baseURL}/chat/completions`, { method: 'POST' }),
    ).rejects.toThrow();
  });
});

describe('the service with OPENAI_BASE_URL pointing at an external OpenAI-compatible server', () => {
  let external: MockLLM;
  let service: Awaited<ReturnType<typeof launchAgentService>>;

  beforeAll(async () => {
    external = await startMockLLM({ chunks: 4 });
    service = await launchAgentService({
      env: {
        ...ISOLATED_ENV,
        OPENAI_BASE_URL: external.url,
        OPENAI_API_KEY: EXTERNAL_KEY,
      },
    });
  });
  afterAll(async () => {
    await service?.stop(5_000);
    await external?.close();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${service.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });

  it('starts no mock of its own and says which upstream it uses', async () => {
    expect(service.upstream).toBe('openai-compatible');
    expect(service.upstreamUrl).toBeUndefined();
    const health = await fetch(`${service.url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok', upstream: 'openai-compatible' });
  });

  it('sends the agent’s and the streaming route’s model calls there, with the key', async () => {
    const before = external.requests.length;
    const agent = await post('/agent', { question: 'Weather in Paris? (get_weather)' });
    expect(agent.status).toBe(200);
    const stream = await post('/chat/stream', { message: 'Hi' });
    expect(stream.status).toBe(200);
    expect(await stream.text()).toContain('event: done');
    const received = external.requests.slice(before);
    // The agent: a call that asks for the tool, then one with its result; then the stream.
    expect(received.map((r) => `${r.method} ${r.path}`)).toEqual(
      Array(3).fill('POST /v1/chat/completions'),
    );
    for (const r of received) expect(r.headers.authorization).toBe(`Bearer ${EXTERNAL_KEY}`);
    expect(received.map((r) => (r.body as { model: string }).model)).toEqual([
      'gpt-4o-mini',
      'gpt-4o-mini',
      'gpt-4o',
    ]);
  });

  it('never forwards x-mock-* headers to a real upstream', async () => {
    const before = external.requests.length;
    const answer = await post('/chat/stream', { message: 'Hi' }, { 'x-mock-error-status': '429' });
    expect(answer.status).toBe(200);
    await answer.arrayBuffer();
    const received = external.requests.slice(before);
    expect(received).toHaveLength(1);
    expect(Object.keys(received[0]!.headers).filter((h) => h.startsWith('x-mock-'))).toEqual([]);
  });
});
