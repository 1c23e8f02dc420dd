import { ATTR, METRIC } from '@llmeter/core';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Harness, harness, onlySpan, SDKS } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h.close();
});

const BODY = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

/** The error the caller catches, and the one llmeter recorded: they must be the same object. */
async function failingCall(call: () => Promise<unknown>) {
  const recorder = h.t.llmeter.recorder;
  const recorded: unknown[] = [];
  const start = recorder.startOperation.bind(recorder);
  const spy = vi.spyOn(recorder, 'startOperation').mockImplementation((s) => {
    const op = start(s);
    const fail = op.fail.bind(op);
    (op as any).fail = (error: unknown, result?: any) => {
      recorded.push(error);
      fail(error, result);
    };
    return op;
  });
  try {
    const caught = await call().then(
      () => {
        throw new Error('expected the call to fail');
      },
      (error: unknown) => error,
    );
    return { caught, recorded };
  } finally {
    spy.mockRestore();
  }
}

describe.each(SDKS)('errors on $name', (sdk) => {
  it('passes APIError through unchanged', async () => {
    const client = h.client(sdk);
    const { caught, recorded } = await failingCall(() =>
      client.chat.completions.create(BODY, { headers: { 'x-mock-error-status': '429' } }),
    );
    expect(caught).toBeInstanceOf(sdk.OpenAI.RateLimitError);
    expect((caught as any).status).toBe(429);
    expect(recorded).toEqual([caught]);
    expect(recorded[0]).toBe(caught);

    const { spans, metrics } = await h.drain();
    const span = onlySpan(spans);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ATTR.ERROR_TYPE]).toBe('RateLimitError');
    expect(span.events.some((e) => e.name === 'exception')).toBe(true);
    const [duration] = metrics.points(METRIC.CLIENT_OPERATION_DURATION);
    expect(duration!.attributes[ATTR.ERROR_TYPE]).toBe('RateLimitError');
  });

  it.each([
    [500, 'InternalServerError'],
    [400, 'BadRequestError'],
    [401, 'AuthenticationError'],
    [404, 'NotFoundError'],
  ])('names a %i by its error class', async (status, type) => {
    const client = h.client(sdk);
    const { caught } = await failingCall(() =>
      client.chat.completions.create(BODY, { headers: { 'x-mock-error-status': String(status) } }),
    );
    expect((caught as any).constructor.name).toBe(type);
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.ERROR_TYPE]).toBe(type);
  });

  it('passes a connection error through unchanged', async () => {
    const client = h.client(sdk, undefined, { baseURL: 'http://127.0.0.1:9/v1' });
    const { caught, recorded } = await failingCall(() => client.chat.completions.create(BODY));
    expect(caught).toBeInstanceOf(sdk.OpenAI.APIConnectionError);
    expect(recorded[0]).toBe(caught);
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.ERROR_TYPE]).toBe('APIConnectionError');
    expect(span.attributes[ATTR.SERVER_PORT]).toBe(9);
  });

  it('passes a timeout through unchanged', async () => {
    const client = h.client(sdk, undefined, { timeout: 100 });
    const { caught, recorded } = await failingCall(() =>
      client.chat.completions.create(BODY, { headers: { 'x-mock-hang': '1' } }),
    );
    expect(caught).toBeInstanceOf(sdk.OpenAI.APIConnectionTimeoutError);
    expect(recorded[0]).toBe(caught);
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.ERROR_TYPE]).toBe(
      'APIConnectionTimeoutError',
    );
  });

  it('ends the span when the request is aborted', async () => {
    const client = h.client(sdk);
    const controller = new AbortController();
    const { caught, recorded } = await failingCall(() => {
      const pending = client.chat.completions.create(
        { ...BODY, stream: true },
        { signal: controller.signal, headers: { 'x-mock-hang': '1' } },
      );
      setTimeout(() => controller.abort(), 30);
      return pending;
    });
    expect(caught).toBeInstanceOf(sdk.OpenAI.APIUserAbortError);
    expect(recorded[0]).toBe(caught);
    const { spans, metrics } = await h.drain();
    const span = onlySpan(spans);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ATTR.ERROR_TYPE]).toBe('APIUserAbortError');
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(1);
  });

  it('passes a malformed body error through unchanged', async () => {
    const client = h.client(sdk);
    const { caught, recorded } = await failingCall(() =>
      client.chat.completions.create(BODY, { headers: { 'x-mock-malformed': '1' } }),
    );
    expect(caught).toBeInstanceOf(SyntaxError);
    expect(recorded[0]).toBe(caught);
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.ERROR_TYPE]).toBe('SyntaxError');
  });

  it('passes an error through withResponse and asResponse', async () => {
    const client = h.client(sdk);
    const headers = { 'x-mock-error-status': '500' };
    await expect(
      client.chat.completions.create(BODY, { headers }).withResponse(),
    ).rejects.toBeInstanceOf(sdk.OpenAI.InternalServerError);
    await expect(
      client.chat.completions.create(BODY, { headers }).asResponse(),
    ).rejects.toBeInstanceOf(sdk.OpenAI.InternalServerError);
    const { spans } = await h.drain();
    expect(spans.map((s) => s.attributes[ATTR.ERROR_TYPE])).toEqual([
      'InternalServerError',
      'InternalServerError',
    ]);
  });
});
