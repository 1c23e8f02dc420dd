import { ATTR, METRIC } from '@llmeter/core';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BODY,
  collect,
  type Harness,
  harness,
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

const stream = (client: any, extra: Record<string, unknown> = {}, options?: unknown) =>
  client.messages.create({ ...BODY, stream: true, ...extra }, options);
const SLOW = { headers: { 'x-mock-chunk-delay-ms': '5' } };

describe.each(SDKS)('streamed messages.create on $name', (sdk) => {
  it('records time to first chunk from the first content delta and one observation per later delta', async () => {
    const client = h.client(sdk);
    const events = await collect(await stream(client));
    const start = (events[0] as any).message;
    const { spans, metrics, logLines } = await h.drain();
    const span = onlySpan(spans);
    expect(span.attributes).toMatchObject({
      [ATTR.REQUEST_STREAM]: true,
      [ATTR.RESPONSE_ID]: start.id,
      [ATTR.RESPONSE_MODEL]: start.model,
      [ATTR.RESPONSE_FINISH_REASONS]: ['end_turn'],
      [ATTR.LLMETER_STREAM_CHUNKS]: TOKENS,
      [ATTR.USAGE_OUTPUT_TOKENS]: TOKENS,
    });
    expect(span.attributes[ATTR.LLMETER_STREAM_INCOMPLETE]).toBeUndefined();
    expect(span.attributes[ATTR.RESPONSE_TIME_TO_FIRST_CHUNK]).toBeGreaterThanOrEqual(0);
    expect(metrics.count(METRIC.CLIENT_TIME_TO_FIRST_CHUNK)).toBe(1);
    expect(metrics.count(METRIC.CLIENT_TIME_PER_OUTPUT_CHUNK)).toBe(TOKENS - 1);
    expect(metrics.sum(METRIC.CLIENT_COST)).toBeGreaterThan(0);
    expect(onlyLogLine(logLines, span)).toMatchObject({ stream: true, output_tokens: TOKENS });
  });

  it('counts input and cache tokens once although message_delta repeats them', async () => {
    const client = h.client(sdk);
    const events: any[] = await collect(
      await stream(
        client,
        {},
        { headers: { 'x-mock-cached-tokens': '4', 'x-mock-cache-write-tokens': '2' } },
      ),
    );
    const started = events[0].message.usage;
    const delta = events.find((e) => e.type === 'message_delta').usage;
    expect(delta.input_tokens).toBe(started.input_tokens); // the repeat under test
    const { spans, metrics } = await h.drain();
    const input = semconvInput(started);
    expect(onlySpan(spans).attributes).toMatchObject({
      [ATTR.USAGE_INPUT_TOKENS]: input,
      [ATTR.USAGE_CACHE_READ_INPUT_TOKENS]: 4,
      [ATTR.USAGE_CACHE_CREATION_INPUT_TOKENS]: 2,
      [ATTR.USAGE_OUTPUT_TOKENS]: TOKENS,
    });
    expect(metrics.tokens()).toEqual({ input, output: TOKENS });
  });

  it('reads usage from message_start when message_delta carries only output_tokens (older API versions)', async () => {
    const client = h.client(sdk);
    const frames = [
      [
        'message_start',
        {
          message: {
            id: 'msg_old',
            model: 'claude-3-5-haiku-20241022',
            role: 'assistant',
            usage: { input_tokens: 10, cache_read_input_tokens: 5, output_tokens: 1 },
          },
        },
      ],
      ['content_block_start', { index: 0, content_block: { type: 'text', text: '' } }],
      ['content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hi' } }],
      ['content_block_stop', { index: 0 }],
      ['message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } }],
      ['message_stop', {}],
    ] as const;
    const body = frames
      .map(([type, data]) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`)
      .join('');
    h.mock.setBehavior({ reply: { contentType: 'text/event-stream', body } });
    try {
      await collect(await stream(client));
    } finally {
      h.mock.setBehavior({ reply: undefined });
    }
    const { spans, metrics } = await h.drain();
    expect(onlySpan(spans).attributes).toMatchObject({
      [ATTR.USAGE_INPUT_TOKENS]: 15,
      [ATTR.USAGE_CACHE_READ_INPUT_TOKENS]: 5,
      [ATTR.USAGE_OUTPUT_TOKENS]: 3,
    });
    expect(metrics.tokens()).toEqual({ input: 15, output: 3 });
  });

  it('assembles streamed input_json_delta into the tool call, and thinking into reasoning', async () => {
    const client = h.client(sdk);
    const events: any[] = await collect(
      await stream(client, {
        tools: [WEATHER],
        tool_choice: { type: 'any' },
        thinking: { type: 'enabled', budget_tokens: 1024 },
      }),
    );
    const toolStart = events.find(
      (e) => e.type === 'content_block_start' && e.content_block.type === 'tool_use',
    );
    const deltas = events.filter((e) => e.type === 'content_block_delta');
    const { spans, metrics } = await h.drain();
    const span = onlySpan(spans);
    expect(span.attributes[ATTR.RESPONSE_FINISH_REASONS]).toEqual(['tool_use']);
    // Every content delta is a chunk except the thinking block's signature.
    const chunks = deltas.filter((e) => e.delta.type !== 'signature_delta').length;
    expect(span.attributes[ATTR.LLMETER_STREAM_CHUNKS]).toBe(chunks);
    expect(metrics.count(METRIC.CLIENT_TIME_PER_OUTPUT_CHUNK)).toBe(chunks - 1);
    const [out] = JSON.parse(String(span.attributes[ATTR.OUTPUT_MESSAGES]));
    expect(out).toEqual({
      role: 'assistant',
      finish_reason: 'tool_use',
      parts: [
        { type: 'reasoning', content: 'Let me think about this.' },
        {
          type: 'tool_call',
          id: toolStart.content_block.id,
          name: 'get_weather',
          arguments: { city: 'mock' },
        },
      ],
    });
  });

  it('ends the span when the consumer breaks early', async () => {
    const client = h.client(sdk);
    let deltas = 0;
    for await (const event of await stream(client, {}, SLOW)) {
      if (event.type === 'content_block_delta') deltas += 1;
      if (deltas === 3) break;
    }
    const { spans, metrics } = await h.drain();
    const span = onlySpan(spans);
    expect(span.attributes[ATTR.LLMETER_STREAM_INCOMPLETE]).toBe(true);
    expect(span.attributes[ATTR.LLMETER_STREAM_CHUNKS]).toBe(3);
    expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(1);
  });

  it('ends the span when controller.abort() stops the stream', async () => {
    const client = h.client(sdk);
    const s = await stream(client, {}, SLOW);
    const seen: unknown[] = [];
    for await (const event of s) {
      seen.push(event);
      if (seen.length === 4) s.controller.abort();
    }
    expect(seen.length).toBeLessThan(TOKENS + 5);
    await waitForSpans(h.t, 1);
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.LLMETER_STREAM_INCOMPLETE]).toBe(true);
    expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it('fails the span on an error event mid-stream, and the caller gets the SDK error', async () => {
    const client = h.client(sdk);
    const s = await stream(
      client,
      {},
      { headers: { 'x-mock-response-error-code': 'overloaded_error' } },
    );
    const error: any = await collect(s).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(sdk.Anthropic.APIError);
    const span = onlySpan((await h.drain()).spans);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ATTR.ERROR_TYPE]).toBe('APIError');
    expect(span.attributes[ATTR.LLMETER_STREAM_INCOMPLETE]).toBe(true);
    expect(span.attributes[ATTR.LLMETER_STREAM_CHUNKS]).toBe(TOKENS);
  });

  it('keeps tee working', async () => {
    const client = h.client(sdk);
    const [left, right] = (await stream(client)).tee();
    const [a, b] = await Promise.all([collect(left), collect(right)]);
    expect(b).toEqual(a);
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.LLMETER_STREAM_CHUNKS]).toBe(TOKENS);
  });

  it('keeps toReadableStream working', async () => {
    const client = h.client(sdk);
    const text = await new Response((await stream(client)).toReadableStream()).text();
    expect(
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).type),
    ).toContain('message_stop');
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.LLMETER_STREAM_CHUNKS]).toBe(TOKENS);
  });

  it('keeps a second iteration failing with the SDK error', async () => {
    const client = h.client(sdk);
    const s = await stream(client);
    await collect(s);
    await expect(collect(s)).rejects.toThrow(/consumed/);
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.LLMETER_STREAM_CHUNKS]).toBe(TOKENS);
  });
});

describe.each(SDKS)('the messages.stream() helper on $name', (sdk) => {
  it('is measured once: events, on(text) and finalMessage() work as without llmeter', async () => {
    const client = h.client(sdk);
    const texts: string[] = [];
    const types: string[] = [];
    const helper = client.messages.stream(BODY);
    helper.on('text', (text: string) => texts.push(text));
    helper.on('streamEvent', (event: any) => types.push(event.type));
    const final = await helper.finalMessage();
    expect(texts.join('')).toBe(final.content[0].text);
    expect(types.at(-1)).toBe('message_stop');
    const { spans, metrics } = await h.drain();
    const span = onlySpan(spans);
    expect(span.attributes).toMatchObject({
      [ATTR.REQUEST_STREAM]: true,
      [ATTR.RESPONSE_ID]: final.id,
      [ATTR.USAGE_OUTPUT_TOKENS]: final.usage.output_tokens,
      [ATTR.USAGE_INPUT_TOKENS]: semconvInput(final.usage),
      [ATTR.LLMETER_STREAM_CHUNKS]: TOKENS,
    });
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(1);
    expect(metrics.count(METRIC.CLIENT_TIME_TO_FIRST_CHUNK)).toBe(1);
  });

  it('is iterable, and abort() ends the span', async () => {
    const client = h.client(sdk);
    const helper = client.messages.stream(BODY, SLOW);
    let seen = 0;
    const done = (async () => {
      for await (const _ of helper) {
        seen += 1;
        if (seen === 3) helper.abort();
      }
    })();
    const error = await done.catch((e: unknown) => e);
    expect(error === undefined || error instanceof sdk.Anthropic.APIUserAbortError).toBe(true);
    expect(helper.aborted).toBe(true);
    await waitForSpans(h.t, 1);
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.LLMETER_STREAM_INCOMPLETE]).toBe(true);
  });

  it('measures beta.messages.stream() and the tool call it assembles', async () => {
    const client = h.client(sdk);
    const final = await client.beta.messages
      .stream({ ...BODY, tools: [WEATHER], tool_choice: { type: 'any' } })
      .finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'tool_use', input: { city: 'mock' } });
    const span = onlySpan((await h.drain()).spans);
    const [out] = JSON.parse(String(span.attributes[ATTR.OUTPUT_MESSAGES]));
    expect(out.parts[0]).toMatchObject({ type: 'tool_call', arguments: { city: 'mock' } });
  });
});
