import { ATTR, METRIC } from '@llmeter/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, FLASH, type Harness, harness, onlySpan, waitForSpans } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness({ captureContent: true });
});
afterAll(async () => {
  await h.close();
});

const CHUNKS = 8;

describe.each([
  { name: 'automatic continuation on (the default)', config: {} },
  { name: 'automatic continuation off', config: { automaticContinuation: false } },
])('models.generateContentStream, $name', ({ config }) => {
  it('records time to first chunk, one time-per-chunk per later chunk, the last usage and the finish reason', async () => {
    const stream = await h.client().models.generateContentStream({
      model: FLASH,
      contents: 'Count.',
      config,
    });
    const chunks = await collect(stream);
    expect(chunks).toHaveLength(CHUNKS);
    const usage = chunks.at(-1)!.usageMetadata!;
    await waitForSpans(h.t, 1);
    const { spans, metrics } = await h.drain();
    const span = onlySpan(spans);
    expect(span.attributes).toMatchObject({
      [ATTR.REQUEST_STREAM]: true,
      [ATTR.RESPONSE_FINISH_REASONS]: ['stop'],
      [ATTR.RESPONSE_MODEL]: chunks[0]!.modelVersion,
      [ATTR.RESPONSE_ID]: chunks[0]!.responseId,
      [ATTR.USAGE_INPUT_TOKENS]: usage.promptTokenCount,
      [ATTR.USAGE_OUTPUT_TOKENS]: CHUNKS,
      [ATTR.LLMETER_STREAM_CHUNKS]: CHUNKS,
    });
    expect(span.attributes[ATTR.LLMETER_STREAM_INCOMPLETE]).toBeUndefined();
    expect(span.attributes[ATTR.RESPONSE_TIME_TO_FIRST_CHUNK]).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(String(span.attributes[ATTR.OUTPUT_MESSAGES]))).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: chunks.map((c) => c.text).join('') }],
        finish_reason: 'stop',
      },
    ]);
    expect(metrics.count(METRIC.CLIENT_TIME_TO_FIRST_CHUNK)).toBe(1);
    expect(metrics.count(METRIC.CLIENT_TIME_PER_OUTPUT_CHUNK)).toBe(CHUNKS - 1);
    // Every chunk carries a running total: counted once, not summed.
    expect(metrics.tokens()).toEqual({ input: usage.promptTokenCount, output: CHUNKS });
  });

  it('ends the span when the consumer breaks early, marked incomplete', async () => {
    const stream = await h
      .client()
      .models.generateContentStream({ model: FLASH, contents: 'Count.', config });
    let seen = 0;
    for await (const _chunk of stream) {
      seen += 1;
      if (seen === 2) break;
    }
    await waitForSpans(h.t, 1);
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.LLMETER_STREAM_INCOMPLETE]).toBe(true);
    expect(span.attributes[ATTR.LLMETER_STREAM_CHUNKS]).toBe(2);
  });
});

describe('models.generateContentStream, what the caller holds', () => {
  it('keeps the very generator the SDK returns when continuation is off', async () => {
    const params = { model: FLASH, contents: 'hi', config: { automaticContinuation: false } };
    const plain = await h.raw().models.generateContentStream(params);
    const stream = await h.client().models.generateContentStream(params);
    expect(Object.getPrototypeOf(stream)).toBe(Object.getPrototypeOf(plain));
    expect(Object.prototype.toString.call(stream)).toBe(Object.prototype.toString.call(plain));
    expect(stream[Symbol.asyncIterator]()).toBe(stream);
    expect((await collect(plain)).length).toBeGreaterThan(0);
    await collect(stream);
    await waitForSpans(h.t, 1);
    await h.drain();
  });

  it('fails the span with the SDK error when the stream is cut off mid-way, and the caller gets that error', async () => {
    h.mock.setBehavior({ failAfterChunks: 3 });
    const stream = await h.client().models.generateContentStream({
      model: FLASH,
      contents: 'hi',
      config: { automaticContinuation: false },
    });
    const error = await collect(stream).catch((e: unknown) => e);
    h.mock.reset();
    expect(error).toBeInstanceOf(Error);
    await waitForSpans(h.t, 1);
    const span = onlySpan((await h.drain()).spans);
    expect(span.status.code).toBe(2);
    expect(span.attributes[ATTR.LLMETER_STREAM_INCOMPLETE]).toBe(true);
    expect(span.attributes[ATTR.ERROR_TYPE]).toBeDefined();
  });

  it('records one streamed span per model request under automatic function calling', async () => {
    const tool = {
      tool: async () => ({
        functionDeclarations: [{ name: 'get_weather', parameters: { type: 'OBJECT' } }],
      }),
      callTool: async (calls: any[]) =>
        calls.map((c) => ({ functionResponse: { name: c.name, response: { t: 20 } } })),
    };
    const chunks = await collect(
      await h.client().models.generateContentStream({
        model: FLASH,
        contents: 'Use get_weather for Paris.',
        config: { tools: [tool as any] },
      }),
    );
    expect(chunks.length).toBeGreaterThan(2);
    await waitForSpans(h.t, 2);
    const spans = (await h.drain()).spans;
    expect(spans).toHaveLength(2);
    expect(spans.every((s) => s.attributes[ATTR.REQUEST_STREAM] === true)).toBe(true);
  });

  it('reassembles thought parts as reasoning in captured output', async () => {
    h.mock.setBehavior({ reasoningTokens: 6, chunks: 2 });
    const stream = await h.client().models.generateContentStream({
      model: 'gemini-2.5-pro',
      contents: 'hi',
      config: { thinkingConfig: { includeThoughts: true } },
    });
    await collect(stream);
    h.mock.reset();
    await waitForSpans(h.t, 1);
    const span = onlySpan((await h.drain()).spans);
    const [message] = JSON.parse(String(span.attributes[ATTR.OUTPUT_MESSAGES]));
    expect(message.parts.map((p: any) => p.type)).toEqual(['reasoning', 'text']);
    expect(span.attributes[ATTR.USAGE_REASONING_OUTPUT_TOKENS]).toBe(6);
    expect(span.attributes[ATTR.USAGE_OUTPUT_TOKENS]).toBe(2 + 6);
  });
});
