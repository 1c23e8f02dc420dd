import { ApiError } from '@google/genai';
import { ATTR, METRIC } from '@llmeter/core';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, FLASH, type Harness, harness, onlySpan, waitForSpans } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterEach(() => h.mock.reset());
afterAll(async () => {
  await h.close();
});

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

describe('errors', () => {
  it.each([
    [429, 'RESOURCE_EXHAUSTED'],
    [500, 'INTERNAL'],
    [503, 'UNAVAILABLE'],
    [400, 'INVALID_ARGUMENT'],
  ])(
    'a %i reaches the caller as the SDK ApiError, and the span fails with error.type %s',
    async (status, type) => {
      h.mock.setBehavior({ errorStatus: status });
      const plain = await failure(() =>
        h.raw().models.generateContent({ model: FLASH, contents: 'hi' }),
      );
      const error = await failure(() =>
        h.client().models.generateContent({ model: FLASH, contents: 'hi' }),
      );
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(status);
      expect((error as ApiError).message).toBe((plain as ApiError).message);
      const { spans, metrics } = await h.drain();
      const span = onlySpan(spans);
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes[ATTR.ERROR_TYPE]).toBe(type);
      const [point] = metrics.points(METRIC.CLIENT_OPERATION_DURATION);
      expect(point?.attributes[ATTR.ERROR_TYPE]).toBe(type);
    },
  );

  it('uses the HTTP status when the error body is not Google-shaped', async () => {
    h.mock.setBehavior({ reply: { status: 502, contentType: 'text/plain', body: 'Bad gateway' } });
    const error = await failure(() =>
      h.client().models.generateContent({ model: FLASH, contents: 'hi' }),
    );
    expect((error as ApiError).status).toBe(502);
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.ERROR_TYPE]).toBe('502');
  });

  it('fails a streamed call whose request is rejected, with the SDK error', async () => {
    h.mock.setBehavior({ errorStatus: 429 });
    const error = await failure(() =>
      h.client().models.generateContentStream({ model: FLASH, contents: 'hi' }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.ERROR_TYPE]).toBe(
      'RESOURCE_EXHAUSTED',
    );
  });

  it('passes an abort (config.abortSignal) through as the SDK raises it, with error.type AbortError', async () => {
    h.mock.setBehavior({ hang: true });
    const controller = new AbortController();
    const plainController = new AbortController();
    const plain = h.raw().models.generateContent({
      model: FLASH,
      contents: 'hi',
      config: { abortSignal: plainController.signal },
    });
    const pending = h.client().models.generateContent({
      model: FLASH,
      contents: 'hi',
      config: { abortSignal: controller.signal },
    });
    setTimeout(() => {
      controller.abort();
      plainController.abort();
    }, 20);
    const [a, b] = await Promise.all([failure(() => pending), failure(() => plain)]);
    expect((a as Error).name).toBe((b as Error).name);
    expect((a as Error).constructor).toBe((b as Error).constructor);
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.ERROR_TYPE]).toBe('AbortError');
  });

  it('ends a streamed span when the caller aborts mid-stream', async () => {
    h.mock.setBehavior({ chunkDelayMs: 30, chunks: 20 });
    const controller = new AbortController();
    const stream = await h.client().models.generateContentStream({
      model: FLASH,
      contents: 'hi',
      config: { abortSignal: controller.signal, automaticContinuation: false },
    });
    const error = await failure(async () => {
      for await (const _chunk of stream) controller.abort();
    });
    expect(error).toBeDefined();
    await waitForSpans(h.t, 1);
    const span = onlySpan((await h.drain()).spans);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ATTR.LLMETER_STREAM_INCOMPLETE]).toBe(true);
  });

  it('records AbortError when httpOptions.timeout elapses (the SDK aborts the request)', async () => {
    h.mock.setBehavior({ hang: true });
    const error = await failure(() =>
      h.client().models.generateContent({
        model: FLASH,
        contents: 'hi',
        config: { httpOptions: { timeout: 30 } },
      }),
    );
    expect(error).toBeDefined();
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.ERROR_TYPE]).toBe('AbortError');
  });

  it('fails a stream on an error event mid-way with its Google status', async () => {
    const ok = { candidates: [{ content: { role: 'model', parts: [{ text: 'a' }] } }] };
    const bad = { error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } };
    h.mock.setBehavior({
      reply: {
        contentType: 'text/event-stream',
        body: `data: ${JSON.stringify(ok)}\n\ndata: ${JSON.stringify(bad)}\n\n`,
      },
    });
    const stream = await h.client().models.generateContentStream({
      model: FLASH,
      contents: 'hi',
      config: { automaticContinuation: false },
    });
    const error = await failure(async () => {
      for await (const _chunk of stream) {
        // read on until the error event
      }
    });
    expect(error).toBeInstanceOf(ApiError);
    await waitForSpans(h.t, 1);
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.ERROR_TYPE]).toBe('UNAVAILABLE');
  });

  it('keeps the API key out of every exported attribute and event', async () => {
    h.mock.setBehavior({
      reply: {
        status: 400,
        body: JSON.stringify({
          error: { code: 400, message: `API key ${API_KEY} not valid`, status: 'INVALID_ARGUMENT' },
        }),
      },
    });
    await failure(() => h.client().models.generateContent({ model: FLASH, contents: 'hi' }));
    const span = onlySpan((await h.drain()).spans);
    expect(JSON.stringify({ a: span.attributes, e: span.events, s: span.status })).not.toContain(
      API_KEY,
    );
  });
});
