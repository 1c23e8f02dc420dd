import { AIMessage } from '@langchain/core/messages';
import { FakeListChatModel, FakeLLM, FakeStreamingChatModel } from '@langchain/core/utils/testing';
import { ChatOpenAI } from '@langchain/openai';
import { ATTR, METRIC } from '@llmeter/core';
import { LLMeterCallbackHandler } from '@llmeter/langchain';
import { startMockLLM } from '@llmeter/testing';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import { context, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { count, isChildOf, spanNamed, sum, total } from './helpers';

let t: InMemoryLLMeter;
let mock: Awaited<ReturnType<typeof startMockLLM>>;

beforeAll(async () => {
  t = setupInMemory({ captureContent: true });
  mock = await startMockLLM();
});
afterAll(async () => {
  await mock.close();
  await t.shutdown();
});
afterEach(async () => {
  t.reset();
  mock.reset();
  await t.collectMetrics(); // delta: start each test from zero
});

const openai = (fields: Record<string, unknown> = {}) =>
  new ChatOpenAI({
    model: 'gpt-4o-mini',
    apiKey: 'test',
    configuration: { baseURL: mock.url },
    maxRetries: 0,
    ...fields,
  });

describe('chat models', () => {
  it('measures time to first chunk and per-chunk gaps from the token callbacks of a streaming model', async () => {
    const handler = new LLMeterCallbackHandler();
    const model = new FakeStreamingChatModel({
      sleep: 5,
      responses: [new AIMessage('hello')],
    });
    const chunks: string[] = [];
    for await (const chunk of await model.stream('hi', { callbacks: [handler] })) {
      chunks.push(String(chunk.content));
    }
    expect(chunks.join('')).toBe('hello');

    const span = t.spans().find((s) => s.attributes[ATTR.OPERATION_NAME] === 'chat');
    expect(span).toBeDefined();
    expect(span?.attributes[ATTR.LLMETER_STREAM_CHUNKS]).toBe(5);
    const ttft = Number(span?.attributes[ATTR.RESPONSE_TIME_TO_FIRST_CHUNK]);
    expect(ttft).toBeGreaterThan(0.003);
    expect(ttft).toBeLessThan(5);

    const m = await t.collectMetrics();
    expect(count(t.metric(m, METRIC.CLIENT_TIME_TO_FIRST_CHUNK))).toBe(1);
    expect(count(t.metric(m, METRIC.CLIENT_TIME_PER_OUTPUT_CHUNK))).toBe(4);
    expect(count(t.metric(m, METRIC.CLIENT_OPERATION_DURATION))).toBe(1);
    expect(handler.openRuns).toBe(0);
  });

  it('takes chunks from chat-model stream events when LangChain sends those instead of tokens', async () => {
    const handler = new LLMeterCallbackHandler();
    const model = { lc: 1, type: 'not_implemented', id: ['ChatAnthropic'] };
    handler.handleChatModelStart(model, [[]], 'ev-run', undefined, {}, [], {
      ls_provider: 'anthropic',
      ls_model_name: 'claude-sonnet-4-5',
    });
    const events = [
      { event: 'message-start', id: 'msg_1' },
      { event: 'content-block-start', index: 0, content: { type: 'text', text: '' } },
      { event: 'content-block-delta', index: 0, delta: { type: 'text-delta', text: 'He' } },
      { event: 'content-block-delta', index: 0, delta: { type: 'text-delta', text: 'llo' } },
      { event: 'content-block-finish', index: 0, content: { type: 'text', text: 'Hello' } },
      { event: 'message-finish', reason: 'stop' },
    ];
    for (const event of events) {
      await new Promise((r) => setTimeout(r, 2));
      handler.handleChatModelStreamEvent(event, 'ev-run');
    }
    handler.handleLLMEnd({ generations: [[{ text: 'Hello' }]] }, 'ev-run');
    const span = spanNamed(t.spans(), 'chat claude-sonnet-4-5');
    expect(span.attributes[ATTR.LLMETER_STREAM_CHUNKS]).toBe(2);
    expect(Number(span.attributes[ATTR.RESPONSE_TIME_TO_FIRST_CHUNK])).toBeGreaterThan(0.004);
  });

  it('records a failed model call with error.type and ends its span', async () => {
    const handler = new LLMeterCallbackHandler();
    const model = new FakeStreamingChatModel({ thrownErrorString: 'model down' });
    await expect(model.invoke('hi', { callbacks: [handler] })).rejects.toThrow('model down');
    const [span] = t.spans();
    const errorType = span.attributes[ATTR.ERROR_TYPE];
    expect(typeof errorType).toBe('string');
    expect(span.status.code).toBe(2);
    expect(span.events.some((e) => e.name === 'exception')).toBe(true);
    const m = await t.collectMetrics();
    expect(
      count(t.metric(m, METRIC.CLIENT_OPERATION_DURATION), { [ATTR.ERROR_TYPE]: errorType }),
    ).toBe(1);
    expect(handler.openRuns).toBe(0);
  });

  it('completion LLMs (BaseLLM) become text_completion operations', async () => {
    const handler = new LLMeterCallbackHandler();
    await new FakeLLM({ response: 'done' }).invoke('complete this', { callbacks: [handler] });
    const span = t.spans().find((s) => s.attributes[ATTR.OPERATION_NAME] === 'text_completion');
    expect(span).toBeDefined();
    expect(JSON.parse(String(span?.attributes[ATTR.INPUT_MESSAGES]))).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'complete this' }] },
    ]);
    expect(JSON.parse(String(span?.attributes[ATTR.OUTPUT_MESSAGES]))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'done' }] },
    ]);
    expect(handler.openRuns).toBe(0);
  });

  it('roots the model span in the OpenTelemetry context active when the run starts, even with LANGCHAIN_CALLBACKS_BACKGROUND=true', async () => {
    // LangChain's default (background) would run handlers later, from a queue: the handler opts out.
    const previous = process.env.LANGCHAIN_CALLBACKS_BACKGROUND;
    process.env.LANGCHAIN_CALLBACKS_BACKGROUND = 'true';
    const handler = new LLMeterCallbackHandler();
    if (previous === undefined) delete process.env.LANGCHAIN_CALLBACKS_BACKGROUND;
    else process.env.LANGCHAIN_CALLBACKS_BACKGROUND = previous;
    expect(handler.awaitHandlers).toBe(true);
    const tracer = trace.getTracer('app');
    const request = tracer.startSpan('POST /chat');
    await context.with(trace.setSpan(context.active(), request), () =>
      new FakeListChatModel({ responses: ['ok'] }).invoke('hi', { callbacks: [handler] }),
    );
    request.end();
    const spans = t.spans();
    const chat = spans.find((s) => s.attributes[ATTR.OPERATION_NAME] === 'chat');
    expect(chat && isChildOf(chat, spanNamed(spans, 'POST /chat'))).toBe(true);
  });

  it('ChatOpenAI against an OpenAI-compatible server: provider, models, server, usage, content', async () => {
    const handler = new LLMeterCallbackHandler();
    mock.setBehavior({ cachedTokens: 4, reasoningTokens: 2 });
    const reply = await openai({ temperature: 0.2, maxTokens: 64 }).invoke('Say hi', {
      callbacks: [handler],
    });
    expect(typeof reply.content).toBe('string');

    const span = spanNamed(t.spans(), 'chat gpt-4o-mini');
    const a = span.attributes;
    expect(a[ATTR.PROVIDER_NAME]).toBe('openai');
    expect(a[ATTR.REQUEST_MODEL]).toBe('gpt-4o-mini');
    expect(a[ATTR.RESPONSE_MODEL]).toBe('gpt-4o-mini-2024-07-18');
    expect(a[ATTR.SERVER_ADDRESS]).toBe('127.0.0.1');
    expect(a[ATTR.SERVER_PORT]).toBe(mock.port);
    expect(a[ATTR.REQUEST_TEMPERATURE]).toBe(0.2);
    expect(a[ATTR.REQUEST_MAX_TOKENS]).toBe(64);
    expect(a[ATTR.RESPONSE_FINISH_REASONS]).toEqual(['stop']);
    expect(String(a[ATTR.RESPONSE_ID])).toMatch(/^chatcmpl-/);
    expect(a[ATTR.USAGE_INPUT_TOKENS]).toBeGreaterThan(0);
    // 8 content tokens + 2 reasoning tokens (reasoning is part of output, as with OpenAI)
    expect(a[ATTR.USAGE_OUTPUT_TOKENS]).toBe(10);
    expect(a[ATTR.USAGE_CACHE_READ_INPUT_TOKENS]).toBe(4);
    expect(a[ATTR.USAGE_REASONING_OUTPUT_TOKENS]).toBe(2);
    expect(a[ATTR.LLMETER_COST_USD]).toBeGreaterThan(0); // core's price table, by response model
    expect(JSON.parse(String(a[ATTR.INPUT_MESSAGES]))).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Say hi' }] },
    ]);
    const output = JSON.parse(String(a[ATTR.OUTPUT_MESSAGES]));
    expect(output[0]).toMatchObject({ role: 'assistant', finish_reason: 'stop' });

    const m = await t.collectMetrics();
    const usage = t.metric(m, METRIC.CLIENT_TOKEN_USAGE);
    expect(sum(usage, { [ATTR.TOKEN_TYPE]: 'output' })).toBe(10);
    expect(sum(usage, { [ATTR.TOKEN_TYPE]: 'input' })).toBe(Number(a[ATTR.USAGE_INPUT_TOKENS]));
    expect(total(t.metric(m, METRIC.CLIENT_COST))).toBeGreaterThan(0);
    expect(
      count(t.metric(m, METRIC.CLIENT_OPERATION_DURATION), {
        [ATTR.PROVIDER_NAME]: 'openai',
        [ATTR.RESPONSE_MODEL]: 'gpt-4o-mini-2024-07-18',
        [ATTR.SERVER_PORT]: mock.port,
      }),
    ).toBe(1);
  });

  it('ChatOpenAI with bound tools: tool definitions recorded when content capture is on', async () => {
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'get_weather',
          description: 'weather',
          parameters: { type: 'object', properties: {} },
        },
      },
    ];
    await openai()
      .bindTools(tools)
      .invoke('hello', { callbacks: [new LLMeterCallbackHandler()] });
    const span = spanNamed(t.spans(), 'chat gpt-4o-mini');
    expect(String(span.attributes[ATTR.TOOL_DEFINITIONS])).toContain('get_weather');
  });

  it('ChatOpenAI streaming: time to first chunk from the run start, usage from the final chunk', async () => {
    const handler = new LLMeterCallbackHandler();
    mock.setBehavior({ firstChunkDelayMs: 30, chunks: 6 });
    let text = '';
    for await (const chunk of await openai({ streaming: true }).stream('Say hi', {
      callbacks: [handler],
    })) {
      text += String(chunk.content);
    }
    expect(text.length).toBeGreaterThan(0);
    const span = spanNamed(t.spans(), 'chat gpt-4o-mini');
    expect(Number(span.attributes[ATTR.RESPONSE_TIME_TO_FIRST_CHUNK])).toBeGreaterThanOrEqual(
      0.025,
    );
    expect(span.attributes[ATTR.USAGE_OUTPUT_TOKENS]).toBe(6);
    expect(span.attributes[ATTR.REQUEST_STREAM]).toBe(true);
    const m = await t.collectMetrics();
    expect(count(t.metric(m, METRIC.CLIENT_TIME_TO_FIRST_CHUNK))).toBe(1);
    expect(count(t.metric(m, METRIC.CLIENT_TIME_PER_OUTPUT_CHUNK))).toBeGreaterThanOrEqual(5);
    expect(sum(t.metric(m, METRIC.CLIENT_TOKEN_USAGE), { [ATTR.TOKEN_TYPE]: 'output' })).toBe(6);
    expect(handler.openRuns).toBe(0);
  });

  it('ChatOpenAI errors from the server fail the span with the client error class', async () => {
    const handler = new LLMeterCallbackHandler();
    mock.setBehavior({ errorStatus: 429 });
    await expect(openai().invoke('hi', { callbacks: [handler] })).rejects.toThrow();
    const span = spanNamed(t.spans(), 'chat gpt-4o-mini');
    expect(span.status.code).toBe(2);
    expect(typeof span.attributes[ATTR.ERROR_TYPE]).toBe('string');
    expect(handler.openRuns).toBe(0);
  });
});
