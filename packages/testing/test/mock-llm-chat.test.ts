import { defaultResponseModel, type MockLLM, startMockLLM } from '@llmeter/testing';
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

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string' },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
      },
      required: ['city'],
    },
  },
};

describe('mock LLM: chat completions', () => {
  it('answers a non-streaming chat with a dated model and deterministic usage', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('gpt-4o-mini-2024-07-18');
    expect(completion.choices[0]?.message.content).toBe('This is a reply from the mock LLM.');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    // 3 priming + (3 + ceil(9 / 4) = 3 + 3) for the one message.
    expect(completion.usage).toMatchObject({
      prompt_tokens: 9,
      completion_tokens: 8,
      total_tokens: 17,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    const again = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    expect(again.usage).toEqual(completion.usage);
    expect(mock.requests).toHaveLength(2);
    expect(mock.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect(mock.requests[0]?.headers.authorization).toBe('Bearer sk-test');
  });

  it('streams chunks and, with include_usage, a last chunk with empty choices and the usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Stream please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta).toMatchObject({ role: 'assistant', content: '' });
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('This is a reply from the mock LLM.');
    const finishChunk = chunks.at(-2);
    expect(finishChunk?.choices[0]?.finish_reason).toBe('stop');
    expect(finishChunk?.usage).toBeNull();
    const usageChunk = chunks.at(-1);
    expect(usageChunk?.choices).toEqual([]);
    expect(usageChunk?.usage).toMatchObject({
      prompt_tokens: 10,
      completion_tokens: 8,
      total_tokens: 18,
    });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it('sends no usage key on chunks when include_usage is off', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('calls a tool the user names, with arguments that fit its schema', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Use get_weather for Paris' }],
      tools: [weatherTool],
    });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    const call = choice?.message.tool_calls?.[0];
    expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    expect(call?.id).toMatch(/^call_/);
    if (call?.type !== 'function') throw new Error('expected a function call');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'mock', unit: 'celsius' });
  });

  it('streams a tool call as index/id/name deltas and argument fragments that assemble', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'What is the weather? Use a tool.' }],
      tools: [weatherTool],
      stream: true,
      stream_options: { include_usage: true },
    });
    const calls: { id?: string; name?: string; arguments: string }[] = [];
    let finish: string | null | undefined;
    let fragments = 0;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (!choice) continue;
      finish = choice.finish_reason ?? finish;
      for (const delta of choice.delta.tool_calls ?? []) {
        calls[delta.index] ??= { arguments: '' };
        const call = calls[delta.index] as (typeof calls)[number];
        if (delta.id) call.id = delta.id;
        if (delta.function?.name) call.name = delta.function.name;
        if (delta.function?.arguments) {
          call.arguments += delta.function.arguments;
          fragments += 1;
        }
      }
    }
    expect(finish).toBe('tool_calls');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.name).toBe('get_weather');
    expect(calls[0]?.id).toMatch(/^call_/);
    expect(JSON.parse(calls[0]?.arguments ?? '')).toEqual({ city: 'mock', unit: 'celsius' });
    expect(fragments).toBeGreaterThan(3);
  });

  it('answers with text once the last message is a tool result', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'user', content: 'Use get_weather' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '21 degrees' },
      ],
      tools: [weatherTool],
    });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.choices[0]?.message.content).toContain('mock LLM');
  });

  it('follows tool_choice and the toolCall knob', async () => {
    const forced = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      tools: [weatherTool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    expect(forced.choices[0]?.finish_reason).toBe('tool_calls');
    mock.setBehavior({ toolCall: 'never' });
    const text = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Use get_weather' }],
      tools: [weatherTool],
    });
    expect(text.choices[0]?.finish_reason).toBe('stop');
  });

  it('applies x-mock-* headers to one request only', async () => {
    const headers = {
      'x-mock-chunks': '3',
      'x-mock-response-model': 'my-finetune',
      'x-mock-cached-tokens': '4',
      'x-mock-reasoning-tokens': '5',
      'x-mock-finish-reason': 'length',
    };
    const tuned = await client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }] },
      { headers },
    );
    expect(tuned.model).toBe('my-finetune');
    expect(tuned.choices[0]?.message.content).toBe('This is a');
    expect(tuned.choices[0]?.finish_reason).toBe('length');
    expect(tuned.usage).toMatchObject({
      prompt_tokens: 9,
      completion_tokens: 8,
      prompt_tokens_details: { cached_tokens: 4 },
      completion_tokens_details: { reasoning_tokens: 5 },
    });
    const plain = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    expect(plain.model).toBe('gpt-4o-mini-2024-07-18');
    expect(plain.usage?.completion_tokens).toBe(8);
  });

  it('streams the content knob one word per chunk and n choices interleaved', async () => {
    mock.setBehavior({ content: 'One two three' });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
      n: 2,
    });
    const texts = ['', ''];
    for await (const chunk of stream) {
      for (const choice of chunk.choices) texts[choice.index] += choice.delta.content ?? '';
    }
    expect(texts).toEqual(['One two three', 'One two three']);
  });

  it('maps request models to dated snapshots and leaves embeddings and dated names alone', () => {
    expect(defaultResponseModel('gpt-4o-mini')).toBe('gpt-4o-mini-2024-07-18');
    expect(defaultResponseModel('gpt-4o-2024-08-06')).toBe('gpt-4o-2024-08-06');
    expect(defaultResponseModel('text-embedding-3-small')).toBe('text-embedding-3-small');
  });
});
