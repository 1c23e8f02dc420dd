import { type MockLLM, startMockLLM } from '@llmeter/testing';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

let mock: MockLLM;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockLLM();
  client = new OpenAI({ baseURL: mock.url, apiKey: 'sk-test', maxRetries: 0 });
});
afterEach(() => mock.reset());
afterAll(() => mock.close());

describe('mock LLM: embeddings', () => {
  it('answers the SDK default (base64 on the wire) with unit vectors it decodes', async () => {
    const result = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['first text', 'second'],
    });
    expect(mock.requests[0]?.body).toMatchObject({ encoding_format: 'base64' });
    expect(result.model).toBe('text-embedding-3-small');
    expect(result.data).toHaveLength(2);
    const vector = Array.from(result.data[0]?.embedding ?? []);
    expect(vector).toHaveLength(8);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    // ceil(10 / 4) + ceil(6 / 4)
    expect(result.usage).toEqual({ prompt_tokens: 5, total_tokens: 5 });
  });

  it('returns the same vector for the same text as float arrays when asked, with dimensions', async () => {
    const a = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'same',
      encoding_format: 'float',
      dimensions: 4,
    });
    const b = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'same',
      dimensions: 4,
    });
    expect(a.data[0]?.embedding).toHaveLength(4);
    const fromBase64 = Array.from(b.data[0]?.embedding ?? []);
    fromBase64.forEach((value, i) => {
      expect(value).toBeCloseTo(a.data[0]?.embedding[i] ?? Number.NaN, 6);
    });
  });
});

describe('mock LLM: Responses API', () => {
  it('answers with a response object whose usage has cached and reasoning details', async () => {
    const response = await client.responses.create(
      { model: 'gpt-4.1-mini', input: 'Tell me something', instructions: 'Be brief' },
      { headers: { 'x-mock-cached-tokens': '2', 'x-mock-reasoning-tokens': '3' } },
    );
    expect(response.object).toBe('response');
    expect(response.status).toBe('completed');
    expect(response.model).toBe('gpt-4.1-mini-2024-07-18');
    expect(response.output_text).toBe('This is a reply from the mock LLM.');
    expect(response.output[0]).toMatchObject({
      type: 'message',
      role: 'assistant',
      status: 'completed',
    });
    // 3 + ceil(8 / 4) for the instructions, 3 + ceil(17 / 4) for the input.
    expect(response.usage).toEqual({
      input_tokens: 13,
      input_tokens_details: { cached_tokens: 2 },
      output_tokens: 11,
      output_tokens_details: { reasoning_tokens: 3 },
      total_tokens: 24,
    });
  });

  it('streams the real event sequence ending in response.completed with usage', async () => {
    const stream = await client.responses.create({
      model: 'gpt-4.1-mini',
      input: 'Hi',
      stream: true,
    });
    const events = [];
    for await (const event of stream) events.push(event);
    const types = events.map((e) => e.type);
    expect(types.slice(0, 5)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
    ]);
    expect(types.slice(-5)).toEqual([
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const deltas = events.flatMap((e) =>
      e.type === 'response.output_text.delta' ? [e.delta] : [],
    );
    expect(deltas).toHaveLength(8);
    const created = events[0];
    const completed = events.at(-1);
    if (created?.type !== 'response.created' || completed?.type !== 'response.completed')
      throw new Error('order');
    expect(created.response.status).toBe('in_progress');
    expect(completed.response.id).toBe(created.response.id);
    expect(completed.response.usage?.output_tokens).toBe(8);
    expect(completed.response.output_text ?? deltas.join('')).toBe(
      'This is a reply from the mock LLM.',
    );
  });

  it('fails a response with the error code asked for, streamed as response.failed', async () => {
    const headers = { 'x-mock-response-error-code': 'server_error' };
    const failed = await client.responses.create(
      { model: 'gpt-4.1-mini', input: 'Hi' },
      { headers },
    );
    expect(failed).toMatchObject({ status: 'failed', output: [], usage: null });
    expect(failed.error?.code).toBe('server_error');
    const events = [];
    for await (const event of await client.responses.create(
      { model: 'gpt-4.1-mini', input: 'Hi', stream: true },
      { headers },
    ))
      events.push(event);
    expect(events.filter((e) => e.type === 'response.output_text.delta')).toHaveLength(8);
    const last = events.at(-1);
    if (last?.type !== 'response.failed') throw new Error(`ended with ${last?.type}`);
    expect(last.response.status).toBe('failed');
    expect(last.response.error?.code).toBe('server_error');
  });

  it('calls flat function tools and streams their arguments', async () => {
    const tools = [
      {
        type: 'function' as const,
        name: 'lookup',
        parameters: { type: 'object', properties: { id: { type: 'integer' } } },
        strict: false,
      },
    ];
    const response = await client.responses.create({
      model: 'gpt-4.1-mini',
      input: 'please lookup',
      tools,
    });
    expect(response.output[0]).toMatchObject({
      type: 'function_call',
      name: 'lookup',
      arguments: '{"id":1}',
    });

    const stream = await client.responses.create({
      model: 'gpt-4.1-mini',
      input: 'please lookup',
      tools,
      stream: true,
    });
    let args = '';
    let done: string | undefined;
    for await (const event of stream) {
      if (event.type === 'response.function_call_arguments.delta') args += event.delta;
      if (event.type === 'response.function_call_arguments.done') done = event.arguments;
    }
    expect(args).toBe('{"id":1}');
    expect(done).toBe(args);

    const followUp = await client.responses.create({
      model: 'gpt-4.1-mini',
      tools,
      input: [
        { role: 'user', content: 'please lookup' },
        { type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{"id":1}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'found' },
      ],
    });
    expect(followUp.output[0]?.type).toBe('message');
  });
});

describe('mock LLM: legacy completions and models', () => {
  it('answers text_completion objects, streamed and not', async () => {
    const completion = await client.completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Once upon',
    });
    expect(completion.object).toBe('text_completion');
    expect(completion.model).toBe('gpt-3.5-turbo-instruct-2024-07-18');
    expect(completion.choices[0]?.text).toBe('This is a reply from the mock LLM.');
    expect(completion.usage).toEqual({ prompt_tokens: 3, completion_tokens: 8, total_tokens: 11 });

    const stream = await client.completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Once upon',
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('This is a reply from the mock LLM.');
    expect(usage).toEqual({ prompt_tokens: 3, completion_tokens: 8, total_tokens: 11 });
  });

  it('lists models and answers unknown routes with an OpenAI-style 404', async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toContain('gpt-4o-mini');
    const res = await fetch(`${mock.url}/nope`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: {
        message: 'Invalid URL (POST /v1/nope)',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  });
});
