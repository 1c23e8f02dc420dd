import { ATTR, METRIC } from '@llmeter/core';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  collect,
  type Harness,
  harness,
  onlyLogLine,
  onlySpan,
  SDKS,
  waitForSpans,
} from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness({ captureContent: true });
});
afterAll(async () => {
  await h.close();
});

const MESSAGES = [{ role: 'user', content: 'Count.' }];
/** The mock streams a role chunk, one chunk per token and a finish chunk. */
const TOKENS = 8;
const OUTPUT_CHUNKS = TOKENS + 2;

function chatStream(client: any, extra: Record<string, unknown> = {}, options?: unknown) {
  return client.chat.completions.create(
    { model: 'gpt-4o-mini', messages: MESSAGES, stream: true, ...extra },
    options,
  );
}

describe.each(SDKS)('streamed chat.completions on $name', (sdk) => {
  it('records time to first chunk and one time-per-chunk observation per later chunk', async () => {
    const client = h.client(sdk);
    const stream = await chatStream(client, { stream_options: { include_usage: true } });
    const chunks = await collect(stream);
    expect(chunks).toHaveLength(OUTPUT_CHUNKS + 1); // + the usage-only chunk
    const usage = (chunks.at(-1) as any).usage;

    const { spans, metrics } = await h.drain();
    const span = onlySpan(spans);
    expect(span.attributes).toMatchObject({
      [ATTR.REQUEST_STREAM]: true,
      [ATTR.RESPONSE_FINISH_REASONS]: ['stop'],
      [ATTR.RESPONSE_MODEL]: (chunks[0] as any).model,
      [ATTR.RESPONSE_ID]: (chunks[0] as any).id,
      [ATTR.USAGE_INPUT_TOKENS]: usage.prompt_tokens,
      [ATTR.USAGE_OUTPUT_TOKENS]: usage.completion_tokens,
      [ATTR.LLMETER_STREAM_CHUNKS]: OUTPUT_CHUNKS,
    });
    expect(span.attributes[ATTR.LLMETER_STREAM_INCOMPLETE]).toBeUndefined();
    expect(span.attributes[ATTR.RESPONSE_TIME_TO_FIRST_CHUNK]).toBeGreaterThanOrEqual(0);
    expect(span.attributes[ATTR.LLMETER_COST_USD]).toBeGreaterThan(0);

    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(1);
    expect(metrics.count(METRIC.CLIENT_TIME_TO_FIRST_CHUNK)).toBe(1);
    expect(metrics.count(METRIC.CLIENT_TIME_PER_OUTPUT_CHUNK)).toBe(OUTPUT_CHUNKS - 1);
    expect(metrics.tokens()).toEqual({
      input: usage.prompt_tokens,
      output: usage.completion_tokens,
    });
    expect(metrics.sum(METRIC.CLIENT_COST)).toBeGreaterThan(0);
  });

  it('writes one llm_call_completed line for a streamed call, with time to first chunk, tokens and cost', async () => {
    const client = h.client(sdk);
    const chunks = await collect(
      await chatStream(client, { stream_options: { include_usage: true } }),
    );
    const usage = (chunks.at(-1) as any).usage;
    const { spans, logLines } = await h.drain();
    const line = onlyLogLine(logLines, onlySpan(spans));
    expect(line).toMatchObject({
      operation: 'chat',
      provider: 'openai',
      request_model: 'gpt-4o-mini',
      response_model: (chunks[0] as any).model,
      input_tokens: usage.prompt_tokens,
      output_tokens: usage.completion_tokens,
      finish_reasons: ['stop'],
      stream: true,
    });
    expect(line.ttft_s).toBeGreaterThanOrEqual(0);
    expect(line.duration_s).toBeGreaterThanOrEqual(line.ttft_s as number);
    expect(line.cost_usd).toBeGreaterThan(0);
    expect(line.incomplete).toBeUndefined();
  });

  it('starts the clock for time to first chunk before the request is issued', async () => {
    const client = h.client(sdk);
    h.mock.reset();
    const recorder = h.t.llmeter.recorder;
    const start = recorder.startOperation.bind(recorder);
    const seenByServerAtStart: number[] = [];
    const spy = vi.spyOn(recorder, 'startOperation').mockImplementation((s) => {
      seenByServerAtStart.push(h.mock.requests.length);
      return start(s);
    });
    try {
      const stream = await chatStream(client);
      // The operation (and its start time) exists before the server saw the request...
      expect(seenByServerAtStart).toEqual([0]);
      expect(h.mock.requests).toHaveLength(1);
      await collect(stream);
    } finally {
      spy.mockRestore();
    }
    // ...and time to first chunk is reported once, on the span and as a metric.
    const { spans, metrics } = await h.drain();
    expect(onlySpan(spans).attributes[ATTR.RESPONSE_TIME_TO_FIRST_CHUNK]).toBeGreaterThanOrEqual(0);
    expect(metrics.count(METRIC.CLIENT_TIME_TO_FIRST_CHUNK)).toBe(1);
  });

  it('leaves stream_options alone by default, so the consumer sees the same chunks', async () => {
    const client = h.client(sdk);
    h.mock.reset();
    const chunks = await collect(await chatStream(client));
    expect(chunks).toHaveLength(OUTPUT_CHUNKS);
    expect((h.mock.requests.at(-1)!.body as any).stream_options).toBeUndefined();
    const { spans, metrics } = await h.drain();
    const span = onlySpan(spans);
    // Without include_usage the server sends no usage: nothing is invented.
    expect(span.attributes[ATTR.USAGE_OUTPUT_TOKENS]).toBeUndefined();
    expect(metrics.tokens()).toEqual({});
    expect(metrics.count(METRIC.CLIENT_TIME_PER_OUTPUT_CHUNK)).toBe(OUTPUT_CHUNKS - 1);
  });

  it('adds include_usage when switched on, without touching the caller body', async () => {
    const client = h.client(sdk, { streamIncludeUsage: true });
    h.mock.reset();
    const body = { model: 'gpt-4o-mini', messages: MESSAGES, stream: true };
    await collect(await client.chat.completions.create(body));
    expect((h.mock.requests.at(-1)!.body as any).stream_options).toEqual({ include_usage: true });
    expect(body).not.toHaveProperty('stream_options');
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.USAGE_OUTPUT_TOKENS]).toBe(TOKENS);

    // An explicit choice of the caller wins.
    await collect(await chatStream(client, { stream_options: { include_usage: false } }));
    expect((h.mock.requests.at(-1)!.body as any).stream_options).toEqual({ include_usage: false });
    await h.drain();
  });

  it('assembles streamed text and tool calls into output messages', async () => {
    const client = h.client(sdk);
    const tools = [
      {
        type: 'function',
        function: {
          name: 'lookup',
          parameters: { type: 'object', properties: { q: { type: 'string' } } },
        },
      },
    ];
    const chunks = await collect(await chatStream(client, { tools, tool_choice: 'required' }));
    const args = chunks
      .flatMap((c: any) => c.choices[0]?.delta?.tool_calls ?? [])
      .map((d: any) => d.function?.arguments ?? '')
      .join('');
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.RESPONSE_FINISH_REASONS]).toEqual(['tool_calls']);
    const [message] = JSON.parse(String(span.attributes[ATTR.OUTPUT_MESSAGES]));
    expect(message).toMatchObject({ role: 'assistant', finish_reason: 'tool_calls' });
    expect(message.parts).toEqual([
      {
        type: 'tool_call',
        id: (chunks[0] as any).choices[0].delta.tool_calls[0].id,
        name: 'lookup',
        arguments: JSON.parse(args),
      },
    ]);

    const text = await collect(await chatStream(client, { n: 2 }));
    const spanN = onlySpan((await h.drain()).spans);
    expect(spanN.attributes[ATTR.RESPONSE_FINISH_REASONS]).toEqual(['stop', 'stop']);
    const messages = JSON.parse(String(spanN.attributes[ATTR.OUTPUT_MESSAGES]));
    expect(messages).toHaveLength(2);
    const first = text
      .map((c: any) => c.choices.find((ch: any) => ch.index === 0)?.delta?.content ?? '')
      .join('');
    expect(messages[0].parts).toEqual([{ type: 'text', content: first }]);
  });

  it('ends the span when the consumer breaks early', async () => {
    const client = h.client(sdk);
    const stream = await chatStream(client, {}, { headers: { 'x-mock-chunk-delay-ms': '5' } });
    let seen = 0;
    for await (const _ of stream) {
      seen += 1;
      if (seen === 3) break;
    }
    const { spans, metrics } = await h.drain();
    const span = onlySpan(spans);
    expect(span.attributes[ATTR.LLMETER_STREAM_INCOMPLETE]).toBe(true);
    expect(span.attributes[ATTR.LLMETER_STREAM_CHUNKS]).toBe(3);
    expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(1);
    expect(metrics.count(METRIC.CLIENT_TIME_PER_OUTPUT_CHUNK)).toBe(2);
  });

  it('marks the log line of a stream broken out of early as incomplete, not as an error', async () => {
    const client = h.client(sdk);
    const stream = await chatStream(client, {}, { headers: { 'x-mock-chunk-delay-ms': '5' } });
    for await (const _ of stream) break;
    const { spans, logLines } = await h.drain();
    const line = onlyLogLine(logLines, onlySpan(spans));
    expect(line).toMatchObject({ operation: 'chat', stream: true, incomplete: true });
    expect(line.error_type).toBeUndefined();
  });

  it('ends the span when the request is aborted mid-stream', async () => {
    const client = h.client(sdk);
    const stream = await chatStream(client, {}, { headers: { 'x-mock-chunk-delay-ms': '10' } });
    const seen: unknown[] = [];
    for await (const chunk of stream) {
      seen.push(chunk);
      if (seen.length === 2) stream.controller.abort();
    }
    expect(seen.length).toBeLessThan(OUTPUT_CHUNKS);
    await waitForSpans(h.t, 1);
    const { spans, metrics } = await h.drain();
    const span = onlySpan(spans);
    expect(span.attributes[ATTR.LLMETER_STREAM_INCOMPLETE]).toBe(true);
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(1);
  });

  it('keeps tee working', async () => {
    const client = h.client(sdk);
    const [left, right] = (await chatStream(client)).tee();
    const [a, b] = await Promise.all([collect(left), collect(right)]);
    expect(a).toHaveLength(OUTPUT_CHUNKS);
    expect(b).toEqual(a);
    const { spans, metrics } = await h.drain();
    expect(onlySpan(spans).attributes[ATTR.LLMETER_STREAM_CHUNKS]).toBe(OUTPUT_CHUNKS);
    expect(metrics.count(METRIC.CLIENT_TIME_PER_OUTPUT_CHUNK)).toBe(OUTPUT_CHUNKS - 1);
  });

  it('keeps toReadableStream working', async () => {
    const client = h.client(sdk);
    const readable = (await chatStream(client)).toReadableStream();
    const text = await new Response(readable).text();
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(OUTPUT_CHUNKS);
    expect(lines[0].object).toBe('chat.completion.chunk');
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.LLMETER_STREAM_CHUNKS]).toBe(OUTPUT_CHUNKS);
    expect(span.attributes[ATTR.LLMETER_STREAM_INCOMPLETE]).toBeUndefined();
  });

  it('ends the span when a readable stream is cancelled', async () => {
    const client = h.client(sdk);
    const readable = (
      await chatStream(client, {}, { headers: { 'x-mock-chunk-delay-ms': '5' } })
    ).toReadableStream();
    const reader = readable.getReader();
    await reader.read();
    await reader.cancel();
    await waitForSpans(h.t, 1);
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.LLMETER_STREAM_INCOMPLETE]).toBe(true);
  });

  it('refuses a second iteration as before, without failing the measured call', async () => {
    const client = h.client(sdk);
    const stream = await chatStream(client);
    await collect(stream);
    await expect(collect(stream)).rejects.toThrow(/consumed stream/);
    const span = onlySpan((await h.drain()).spans);
    expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it('measures the chat.completions.stream() helper', async () => {
    const client = h.client(sdk);
    const runner = client.chat.completions.stream({ model: 'gpt-4o-mini', messages: MESSAGES });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0].message.content).toBeTruthy();
    await waitForSpans(h.t, 1);
    const { spans, metrics } = await h.drain();
    const span = onlySpan(spans);
    expect(span.attributes[ATTR.REQUEST_STREAM]).toBe(true);
    expect(span.attributes[ATTR.LLMETER_STREAM_CHUNKS]).toBe(OUTPUT_CHUNKS);
    expect(metrics.count(METRIC.CLIENT_TIME_TO_FIRST_CHUNK)).toBe(1);
  });

  it('measures the stream() helper with include_usage switched on', async () => {
    const client = h.client(sdk, { streamIncludeUsage: true });
    const final = await client.chat.completions
      .stream({ model: 'gpt-4o-mini', messages: MESSAGES })
      .finalChatCompletion();
    expect(final.choices[0].message.content).toBeTruthy();
    await waitForSpans(h.t, 1);
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.USAGE_OUTPUT_TOKENS]).toBe(TOKENS);
  });

  it('fails the span with the error a broken stream throws', async () => {
    const client = h.client(sdk, undefined, { logLevel: 'off' });
    const stream = await chatStream(client, {}, { headers: { 'x-mock-malformed': '1' } });
    const error = await collect(stream).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const span = onlySpan((await h.drain()).spans);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ATTR.ERROR_TYPE]).toBe((error as Error).constructor.name);
    expect(span.attributes[ATTR.LLMETER_STREAM_INCOMPLETE]).toBe(true);
  });

  it('marks a stream the server cut short as incomplete', async () => {
    const client = h.client(sdk);
    const stream = await chatStream(client, {}, { headers: { 'x-mock-fail-after-chunks': '3' } });
    const outcome = await collect(stream).then(
      (items) => ({ items }),
      (error: unknown) => ({ error }),
    );
    await waitForSpans(h.t, 1);
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.LLMETER_STREAM_INCOMPLETE]).toBe(true);
    if ('error' in outcome) expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });
});
