import { instrumentAnthropic } from '@llmeter/anthropic';
import { ATTR, METRIC } from '@llmeter/core';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BODY,
  type Harness,
  harness,
  MODEL,
  onlyLogLine,
  onlySpan,
  SDKS,
  semconvInput,
  TOKENS,
  WEATHER,
  waitForSpans,
} from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness({ captureContent: true });
});
afterAll(async () => {
  await h.close();
});

describe.each(SDKS)('messages.create on $name', (sdk) => {
  it('records the span, metrics, cost and log line of a call', async () => {
    const client = h.client(sdk);
    const message = await client.messages.create({
      ...BODY,
      system: 'Be brief.',
      temperature: 0.2,
      top_p: 0.9,
      top_k: 5,
      stop_sequences: ['\n\n'],
    });
    expect(message.content[0].text).toBeTruthy();

    const { spans, metrics, logLines } = await h.drain();
    const span = onlySpan(spans);
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toMatchObject({
      [ATTR.OPERATION_NAME]: 'chat',
      [ATTR.PROVIDER_NAME]: 'anthropic',
      [ATTR.REQUEST_MODEL]: MODEL,
      [ATTR.RESPONSE_MODEL]: message.model,
      [ATTR.RESPONSE_ID]: message.id,
      [ATTR.SERVER_ADDRESS]: '127.0.0.1',
      [ATTR.SERVER_PORT]: h.mock.port,
      [ATTR.REQUEST_MAX_TOKENS]: 64,
      [ATTR.REQUEST_TEMPERATURE]: 0.2,
      [ATTR.REQUEST_TOP_P]: 0.9,
      'gen_ai.request.top_k': 5,
      [ATTR.REQUEST_STOP_SEQUENCES]: ['\n\n'],
      [ATTR.REQUEST_STREAM]: false,
      [ATTR.RESPONSE_FINISH_REASONS]: ['end_turn'],
      [ATTR.USAGE_INPUT_TOKENS]: message.usage.input_tokens,
      [ATTR.USAGE_OUTPUT_TOKENS]: TOKENS,
    });
    expect(span.attributes[ATTR.LLMETER_COST_USD]).toBeGreaterThan(0);
    expect(JSON.parse(String(span.attributes[ATTR.SYSTEM_INSTRUCTIONS]))).toEqual([
      { type: 'text', content: 'Be brief.' },
    ]);
    expect(JSON.parse(String(span.attributes[ATTR.OUTPUT_MESSAGES]))).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: message.content[0].text }],
        finish_reason: 'end_turn',
      },
    ]);

    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(1);
    expect(metrics.count(METRIC.CLIENT_TIME_TO_FIRST_CHUNK)).toBe(0);
    expect(metrics.tokens()).toEqual({ input: message.usage.input_tokens, output: TOKENS });
    expect(metrics.sum(METRIC.CLIENT_COST)).toBeGreaterThan(0);
    expect(metrics.points(METRIC.CLIENT_OPERATION_DURATION)[0]?.attributes).toMatchObject({
      [ATTR.PROVIDER_NAME]: 'anthropic',
      [ATTR.REQUEST_MODEL]: MODEL,
      [ATTR.RESPONSE_MODEL]: message.model,
    });
    expect(onlyLogLine(logLines, span)).toMatchObject({
      provider: 'anthropic',
      request_model: MODEL,
      input_tokens: message.usage.input_tokens,
      output_tokens: TOKENS,
      finish_reasons: ['end_turn'],
    });
  });

  it('counts cache reads and writes into input tokens and prices them as cache tokens', async () => {
    const client = h.client(sdk);
    const plain = await client.messages.create(BODY);
    const { metrics: plainMetrics } = await h.drain();
    const cached = await client.messages.create(BODY, {
      headers: { 'x-mock-cached-tokens': '4', 'x-mock-cache-write-tokens': '3' },
    });
    const { spans, metrics } = await h.drain();
    const total = semconvInput(cached.usage);
    expect(total).toBe(plain.usage.input_tokens);
    expect(onlySpan(spans).attributes).toMatchObject({
      [ATTR.USAGE_INPUT_TOKENS]: total,
      [ATTR.USAGE_CACHE_READ_INPUT_TOKENS]: 4,
      [ATTR.USAGE_CACHE_CREATION_INPUT_TOKENS]: 3,
    });
    expect(metrics.tokens()).toEqual({ input: total, output: TOKENS });
    // claude-sonnet-4-5: $3 input, $0.30 cache read, $3.75 cache write, $15 output per 1M tokens.
    const cost = (n: number, usd: number) => (n * usd) / 1e6;
    const expected = cost(total - 7, 3) + cost(4, 0.3) + cost(3, 3.75) + cost(TOKENS, 15);
    expect(metrics.sum(METRIC.CLIENT_COST)).toBeCloseTo(expected, 12);
    expect(metrics.sum(METRIC.CLIENT_COST)).not.toBeCloseTo(
      plainMetrics.sum(METRIC.CLIENT_COST),
      12,
    );
  });

  it('records tool_use blocks as tool calls, tool results as the tool role', async () => {
    const client = h.client(sdk);
    const message = await client.messages.create({
      ...BODY,
      tools: [WEATHER],
      tool_choice: { type: 'any' },
    });
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.RESPONSE_FINISH_REASONS]).toEqual(['tool_use']);
    const [out] = JSON.parse(String(span.attributes[ATTR.OUTPUT_MESSAGES]));
    expect(out.parts).toEqual([
      {
        type: 'tool_call',
        id: message.content[0].id,
        name: 'get_weather',
        arguments: { city: 'mock' },
      },
    ]);
    expect(JSON.parse(String(span.attributes[ATTR.TOOL_DEFINITIONS]))).toEqual([WEATHER]);

    await client.messages.create({
      ...BODY,
      tools: [WEATHER],
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: message.content },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: message.content[0].id, content: 'sunny' }],
        },
      ],
    });
    const input = JSON.parse(
      String(onlySpan((await h.drain()).spans).attributes[ATTR.INPUT_MESSAGES]),
    );
    expect(input[2]).toEqual({
      role: 'tool',
      parts: [{ type: 'tool_call_response', id: message.content[0].id, response: 'sunny' }],
    });
  });

  it('records thinking blocks as reasoning parts', async () => {
    const client = h.client(sdk);
    await client.messages.create({ ...BODY, thinking: { type: 'enabled', budget_tokens: 1024 } });
    const span = onlySpan((await h.drain()).spans);
    const [out] = JSON.parse(String(span.attributes[ATTR.OUTPUT_MESSAGES]));
    expect(out.parts[0]).toEqual({ type: 'reasoning', content: 'Let me think about this.' });
    expect(out.parts[1].type).toBe('text');
  });

  it('records the conversation id of the SDK’s openTelemetry option and a JSON output type', async () => {
    const client = h.client(sdk);
    await client.messages.create(
      { ...BODY, output_config: { format: { type: 'json_schema', schema: { type: 'object' } } } },
      { openTelemetry: { conversationId: 'conv-42' } },
    );
    expect(onlySpan((await h.drain()).spans).attributes).toMatchObject({
      [ATTR.CONVERSATION_ID]: 'conv-42',
      'gen_ai.output.type': 'json',
    });
  });

  it('records no content when the client opts out', async () => {
    const client = h.client(sdk, { captureContent: false });
    await client.messages.create({ ...BODY, system: 'secret' });
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.INPUT_MESSAGES]).toBeUndefined();
    expect(span.attributes[ATTR.OUTPUT_MESSAGES]).toBeUndefined();
    expect(span.attributes[ATTR.SYSTEM_INSTRUCTIONS]).toBeUndefined();
  });

  it('measures beta.messages.create through the same surface', async () => {
    const client = h.client(sdk);
    const message = await client.beta.messages.create({
      ...BODY,
      betas: ['token-efficient-tools-2025-02-19'],
    });
    const { spans, metrics } = await h.drain();
    expect(onlySpan(spans).attributes).toMatchObject({
      [ATTR.PROVIDER_NAME]: 'anthropic',
      [ATTR.RESPONSE_ID]: message.id,
      [ATTR.USAGE_OUTPUT_TOKENS]: TOKENS,
    });
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(1);
  });

  it('measures messages.parse() once, through create', async () => {
    const client = h.client(sdk);
    const parsed = await client.messages.parse(BODY);
    expect(parsed.content[0].type).toBe('text');
    const { spans, metrics } = await h.drain();
    expect(onlySpan(spans).attributes[ATTR.RESPONSE_ID]).toBe(parsed.id);
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(1);
  });

  it('keeps withResponse working', async () => {
    const client = h.client(sdk);
    const { data, response, request_id } = await client.messages.create(BODY).withResponse();
    expect(response.status).toBe(200);
    expect(request_id).toMatch(/^req_/);
    expect(data._request_id).toBe(request_id);
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.RESPONSE_ID]).toBe(data.id);
  });

  it('keeps asResponse working, and ends the span when the response arrives', async () => {
    const client = h.client(sdk);
    const response = await client.messages.create(BODY).asResponse();
    expect((await response.json()).type).toBe('message');
    await waitForSpans(h.t, 1);
    const { spans, metrics } = await h.drain();
    expect(onlySpan(spans).attributes[ATTR.USAGE_OUTPUT_TOKENS]).toBeUndefined();
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(1);
  });

  it('returns the same client and is idempotent; withOptions clients are instrumented', async () => {
    const client = h.plain(sdk);
    const create = client.messages.create;
    expect(instrumentAnthropic(client)).toBe(client);
    const wrapped = client.messages.create;
    expect(wrapped).not.toBe(create);
    expect(instrumentAnthropic(client, { provider: 'gateway' })).toBe(client);
    expect(client.messages.create).toBe(wrapped);
    await client.messages.create(BODY);
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.PROVIDER_NAME]).toBe('gateway');
    await client.withOptions({ timeout: 5000 }).messages.create(BODY);
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.PROVIDER_NAME]).toBe('gateway');
  });

  it('records nothing of its own for countTokens (no inference, no usage metrics)', async () => {
    const client = h.client(sdk);
    const count = await client.messages.countTokens({ model: MODEL, messages: BODY.messages });
    expect(count.input_tokens).toBeGreaterThan(0);
    const { spans, metrics } = await h.drain();
    expect(spans.filter((s) => s.attributes[ATTR.OPERATION_NAME] !== undefined)).toEqual([]);
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(0);
    expect(metrics.tokens()).toEqual({});
  });
});

describe('instrumentAnthropic() inputs', () => {
  it('returns what it was given when it is not a client, without throwing', () => {
    expect(instrumentAnthropic(undefined)).toBeUndefined();
    expect(instrumentAnthropic(42 as any)).toBe(42);
  });

  it('names the provider of Bedrock and Vertex clients by their class', async () => {
    const Base: any = SDKS[0].Anthropic;
    const AnthropicVertex: any = class AnthropicVertex extends Base {};
    const client = instrumentAnthropic(
      new AnthropicVertex({ apiKey: 'x', baseURL: h.baseURL, maxRetries: 0 }),
    );
    await client.messages.create(BODY);
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.PROVIDER_NAME]).toBe('gcp.vertex_ai');
  });
});
