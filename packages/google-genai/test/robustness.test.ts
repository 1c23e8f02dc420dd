import { ApiError } from '@google/genai';
import { ATTR, METRIC } from '@llmeter/core';
import { context, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { collect, FLASH, type Harness, harness, onlySpan, waitForSpans } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness({ internalLogLevel: 'silent' });
});
afterEach(() => {
  vi.restoreAllMocks();
  h.mock.reset();
});
afterAll(async () => {
  await h.close();
});

const PARAMS = { model: FLASH, contents: 'hi' };

function throwingOperation() {
  const boom = () => {
    throw new Error('recorder exploded');
  };
  return {
    get span(): never {
      return boom();
    },
    context: context.active(),
    nested: false,
    chunk: boom,
    update: boom,
    end: boom,
    fail: boom,
  } as any;
}

describe('robustness', () => {
  it('never throws when usage is missing', async () => {
    h.mock.setBehavior({
      reply: { body: JSON.stringify({ candidates: [{ content: { parts: [{ text: 'x' }] } }] }) },
    });
    const response = await h.client().models.generateContent(PARAMS);
    expect(response.text).toBe('x');
    const { spans, metrics } = await h.drain();
    expect(onlySpan(spans).attributes[ATTR.USAGE_INPUT_TOKENS]).toBeUndefined();
    expect(metrics.tokens()).toEqual({});
  });

  it('never throws on odd stream chunks', async () => {
    const chunks = [
      { candidates: null },
      { candidates: [null, 'x', { content: { parts: 'not-a-list' } }] },
      {
        candidates: [{ index: -3, content: { parts: [{ text: 'a' }] } }],
        usageMetadata: { promptTokenCount: 'x' },
      },
      {
        candidates: [{ content: { parts: [{ text: 'b' }] }, finishReason: 'STOP' }],
        usageMetadata: { candidatesTokenCount: 2 },
      },
    ];
    h.mock.setBehavior({
      reply: {
        contentType: 'text/event-stream',
        body: chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join(''),
      },
    });
    const items = await collect(
      await h
        .client()
        .models.generateContentStream({ ...PARAMS, config: { automaticContinuation: false } }),
    );
    expect(items).toHaveLength(4);
    await waitForSpans(h.t, 1);
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.USAGE_OUTPUT_TOKENS]).toBe(2);
    expect(span.attributes[ATTR.LLMETER_STREAM_CHUNKS]).toBe(2);
    expect(span.attributes[ATTR.RESPONSE_FINISH_REASONS]).toEqual(['stop']);
  });

  it('a recorder that throws never reaches the caller', async () => {
    const client = h.client();
    vi.spyOn(h.t.llmeter.recorder, 'startOperation').mockImplementation(() => {
      throw new Error('recorder exploded');
    });
    expect((await client.models.generateContent(PARAMS)).text).toBeTruthy();
    const chunks = await collect(await client.models.generateContentStream(PARAMS));
    expect(chunks.length).toBeGreaterThan(1);

    vi.spyOn(h.t.llmeter.recorder, 'startOperation').mockImplementation(throwingOperation);
    expect((await client.models.generateContent(PARAMS)).text).toBeTruthy();
    expect(await collect(await client.models.generateContentStream(PARAMS))).toHaveLength(
      chunks.length,
    );
    expect(
      (await client.models.embedContent({ model: 'gemini-embedding-001', contents: 'hi' }))
        .embeddings,
    ).toHaveLength(1);
    h.mock.setBehavior({ errorStatus: 429 });
    await expect(client.models.generateContent(PARAMS)).rejects.toBeInstanceOf(ApiError);
    expect(h.t.spans()).toHaveLength(0);
    await h.drain();
  });

  it('leaves no unhandled rejection when a call fails and the caller handles it', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    h.mock.setBehavior({ errorStatus: 500 });
    await h
      .client()
      .models.generateContent(PARAMS)
      .catch(() => undefined);
    await h
      .client()
      .models.generateContentStream(PARAMS)
      .catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
    await h.drain();
  });

  it('counts once when an outer operation already measures the call', async () => {
    const client = h.client();
    const outer = h.t.llmeter.recorder.startOperation({
      operation: 'chat',
      requestModel: FLASH,
      provider: 'gcp.gemini',
    });
    const response = await context.with(outer.context, () => client.models.generateContent(PARAMS));
    outer.end();
    const { spans, metrics } = await h.drain();
    expect(spans).toHaveLength(2);
    const [inner, outerSpan] = spans;
    expect(inner!.parentSpanContext?.spanId).toBe(outerSpan!.spanContext().spanId);
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(1);
    expect(metrics.tokens().input).toBe(response.usageMetadata!.promptTokenCount);
  });

  it('makes the LLM span active while the request runs', async () => {
    let active: string | undefined;
    const client = h.client(
      {},
      {
        httpOptions: {
          baseUrl: h.baseUrl,
          fetch: (...args: Parameters<typeof fetch>) => {
            active = trace.getActiveSpan()?.spanContext().spanId;
            return fetch(...args);
          },
        },
      },
    );
    await client.models.generateContent(PARAMS);
    const span = onlySpan((await h.drain()).spans);
    expect(active).toBe(span.spanContext().spanId);
  });

  it('keeps the caller parameters intact', async () => {
    const params = Object.freeze({ ...PARAMS, config: Object.freeze({ temperature: 0.1 }) });
    await h.client().models.generateContent(params);
    expect(params).toEqual({ ...PARAMS, config: { temperature: 0.1 } });
    await h.drain();
  });

  it('never throws for something that is not a client', () => {
    expect(instrumentNothing()).toBe(true);
  });
});

describe('before llmeter starts and after it stops', () => {
  it('passes calls through untouched', async () => {
    const client = h.client();
    await h.t.shutdown();
    expect((await client.models.generateContent(PARAMS)).text).toBeTruthy();
    expect(await collect(await client.models.generateContentStream(PARAMS))).not.toHaveLength(0);
    expect(h.t.spans()).toHaveLength(0);
  });
});

import { instrumentGoogleGenAI } from '@llmeter/google-genai';

function instrumentNothing(): boolean {
  for (const value of [null, undefined, 1, 'x', {}, { models: null }, { models: 3 }]) {
    if (instrumentGoogleGenAI(value) !== value) return false;
  }
  return true;
}
