import { ATTR, METRIC } from '@llmeter/core';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY, type Harness, harness, onlySpan, SDKS, waitForSpans } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness({ internalLogLevel: 'silent' });
});
afterAll(async () => {
  await h.close();
});

/** The same call on a plain and an instrumented client: both must fail with the same kind of error. */
async function bothFail(
  sdk: (typeof SDKS)[number],
  options: Record<string, unknown>,
  clientOptions = {},
) {
  const plain = await h
    .plain(sdk, clientOptions)
    .messages.create(BODY, options)
    .catch((e: unknown) => e);
  await h.drain();
  const error = await h
    .client(sdk, {}, clientOptions)
    .messages.create(BODY, options)
    .catch((e: unknown) => e);
  expect(error?.constructor).toBe(plain?.constructor);
  // The same message, but for the request id each answer has.
  const ids = (e: any) => String(e?.message).replace(/req_\w+/g, 'req_');
  expect(ids(error)).toBe(ids(plain));
  await waitForSpans(h.t, 1);
  const { spans, metrics } = await h.drain();
  return { error, span: onlySpan(spans), metrics };
}

describe.each(SDKS)('errors on $name', (sdk) => {
  it.each([
    [429, 'RateLimitError'],
    [400, 'BadRequestError'],
    [401, 'AuthenticationError'],
    [404, 'NotFoundError'],
    [500, 'InternalServerError'],
  ])('passes a %i through unchanged, with error.type %s', async (status, name) => {
    const { error, span, metrics } = await bothFail(sdk, {
      headers: { 'x-mock-error-status': String(status) },
    });
    expect(error).toBeInstanceOf(sdk.Anthropic[name]);
    expect(error.status).toBe(status);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ATTR.ERROR_TYPE]).toBe(name);
    expect(span.events.map((e) => e.name)).toContain('exception');
    expect(metrics.points(METRIC.CLIENT_OPERATION_DURATION)[0]?.attributes[ATTR.ERROR_TYPE]).toBe(
      name,
    );
    expect(metrics.tokens()).toEqual({});
  });

  it('names 529 overloaded by the class the SDK makes of it', async () => {
    const { error, span } = await bothFail(sdk, { headers: { 'x-mock-error-status': '529' } });
    // 1.x: OverloadedError; 0.x: InternalServerError.
    expect(span.attributes[ATTR.ERROR_TYPE]).toBe(error.constructor.name);
    expect(error).toBeInstanceOf(sdk.Anthropic.InternalServerError);
  });

  it('passes a connection error through unchanged (APIConnectionError)', async () => {
    const { span } = await bothFail(sdk, {}, { baseURL: 'http://127.0.0.1:1' });
    expect(span.attributes[ATTR.ERROR_TYPE]).toBe('APIConnectionError');
  });

  it('passes a timeout through unchanged (APIConnectionTimeoutError)', async () => {
    const { span } = await bothFail(sdk, { headers: { 'x-mock-hang': '1' }, timeout: 100 });
    expect(span.attributes[ATTR.ERROR_TYPE]).toBe('APIConnectionTimeoutError');
  });

  it('ends the span when the request is aborted (APIUserAbortError)', async () => {
    const controller = new AbortController();
    const pending = h.client(sdk).messages.create(BODY, {
      signal: controller.signal,
      headers: { 'x-mock-hang': '1' },
    });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(sdk.Anthropic.APIUserAbortError);
    await waitForSpans(h.t, 1);
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.ERROR_TYPE]).toBe('APIUserAbortError');
  });

  it('passes a malformed body error through unchanged', async () => {
    const { span } = await bothFail(sdk, { headers: { 'x-mock-malformed': '1' } });
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('passes an error through withResponse and asResponse', async () => {
    const client = h.client(sdk);
    const headers = { 'x-mock-error-status': '429' };
    await expect(client.messages.create(BODY, { headers }).withResponse()).rejects.toBeInstanceOf(
      sdk.Anthropic.RateLimitError,
    );
    await expect(client.messages.create(BODY, { headers }).asResponse()).rejects.toBeInstanceOf(
      sdk.Anthropic.RateLimitError,
    );
    await waitForSpans(h.t, 2);
    const { spans } = await h.drain();
    expect(spans.map((s) => s.attributes[ATTR.ERROR_TYPE])).toEqual([
      'RateLimitError',
      'RateLimitError',
    ]);
  });

  it('fails the stream helper as without llmeter, and its span once', async () => {
    const client = h.client(sdk);
    const helper = client.messages.stream(BODY, { headers: { 'x-mock-error-status': '500' } });
    const errors: unknown[] = [];
    helper.on('error', (e: unknown) => errors.push(e));
    await expect(helper.finalMessage()).rejects.toBeInstanceOf(sdk.Anthropic.InternalServerError);
    expect(errors).toHaveLength(1);
    await waitForSpans(h.t, 1);
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.ERROR_TYPE]).toBe(
      'InternalServerError',
    );
  });
});
