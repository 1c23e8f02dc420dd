import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorType, providerErrorType, scrubbedError } from '../src/failure';
import { ATTR, METRIC } from '../src/index';
import { metricsRequestListener } from '../src/prometheus/server';

const KEY = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx';

class RateLimitError extends Error {}

describe('errorType: one low-cardinality type for the same failure on every path', () => {
  it('is the class name, the name of an Error, else _OTHER', () => {
    expect(errorType(new RateLimitError('x'))).toBe('RateLimitError');
    expect(errorType(new TypeError('x'))).toBe('TypeError');
    expect(errorType(new Error('x'))).toBe('Error');
    const named = Object.assign(new Error('x'), { name: 'TimeoutError' });
    expect(errorType(named)).toBe('TimeoutError');
    expect(errorType('a thrown string')).toBe('_OTHER');
    expect(errorType({ message: 'a plain object', name: 'Whatever' })).toBe('_OTHER');
    expect(errorType(undefined)).toBe('_OTHER');
  });

  it('never takes error.code, nor a name that is not a type or holds a key', () => {
    expect(errorType(Object.assign(new Error('x'), { code: KEY }))).toBe('Error');
    expect(errorType(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe('Error');
    expect(errorType(Object.assign(new Error('x'), { name: KEY }))).toBe('Error');
    expect(errorType(Object.assign(new Error('x'), { name: 'AKIAIOSFODNN7EXAMPLE' }))).toBe(
      'Error',
    );
    expect(errorType(Object.assign(new Error('x'), { name: 'has spaces' }))).toBe('Error');
  });

  it('takes an adapter type only when it is type-shaped', () => {
    expect(errorType(new Error('x'), '503')).toBe('503');
    expect(errorType(new Error('x'), 'response_failed')).toBe('response_failed');
    expect(errorType(new Error('x'), KEY)).toBe('Error');
    expect(errorType(undefined, 'Bearer abcdefgh12345')).toBe('_OTHER');
  });

  it('providerErrorType knows provider types and HTTP statuses, nothing else', () => {
    expect(providerErrorType('rate_limit_exceeded')).toBe('rate_limit_exceeded');
    expect(providerErrorType('overloaded_error')).toBe('overloaded_error');
    expect(providerErrorType('RESOURCE_EXHAUSTED')).toBe('RESOURCE_EXHAUSTED');
    expect(providerErrorType(429)).toBe('429');
    expect(providerErrorType('engine_dead')).toBeUndefined();
    expect(providerErrorType(KEY)).toBeUndefined();
  });
});

describe('scrubbedError: what a log line may say of an error', () => {
  it('scrubs message, stack and own properties, and leaves the error untouched', () => {
    const error = Object.assign(new Error(`rejected ${KEY}`), {
      code: KEY,
      headers: { authorization: 'Bearer abcdefgh12345' },
      status: 401,
    });
    error.stack = `Error: rejected ${KEY}\n    at https://user:password@host/x`;
    const copy = scrubbedError(error);
    const text = JSON.stringify(copy);
    expect(text).not.toContain('AbCdEf');
    expect(text).not.toContain('abcdefgh12345');
    expect(text).not.toContain('password');
    expect(copy).toMatchObject({ type: 'Error', status: 401 });
    expect(error.message).toBe(`rejected ${KEY}`);
    expect(error.code).toBe(KEY);
  });

  it('copes with an error whose getters throw', () => {
    const hostile = new Proxy(new Error('x'), {
      ownKeys() {
        throw new Error('nope');
      },
    });
    expect(() => scrubbedError(hostile)).not.toThrow();
  });
});

describe('a failed operation records the error scrubbed', () => {
  let t: InMemoryLLMeter;
  beforeEach(() => {
    t = setupInMemory();
  });
  afterEach(async () => {
    await t.shutdown();
  });

  it('status, exception type, message and stack carry no key, and error.type no code', async () => {
    const error = Object.assign(new Error(`upstream said ${KEY}`), { code: KEY });
    error.stack = `Error: upstream said ${KEY}\n    at authorization: bearer abcdefgh12345`;
    t.llmeter.recorder.startOperation({ requestModel: 'gpt-4o' }).fail(error);
    const span = t.spans()[0]!;
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ATTR.ERROR_TYPE]).toBe('Error');
    const event = span.events.find((e) => e.name === 'exception')!;
    expect(event.attributes?.['exception.type']).toBe('Error');
    expect(JSON.stringify([span.status, span.attributes, span.events])).not.toMatch(
      /AbCdEf|abcdefgh12345/,
    );
    const collected = await t.collectMetrics();
    const point = t.metric(collected, METRIC.CLIENT_OPERATION_DURATION)?.dataPoints[0];
    expect(point?.attributes[ATTR.ERROR_TYPE]).toBe('Error');
    expect(error.message).toBe(`upstream said ${KEY}`);
  });

  it('a retrieval goes through the recorder and fails the same way', () => {
    const retrieval = t.llmeter.recorder.startRetrieval({ name: 'docs' });
    retrieval.fail(new TypeError(`index at https://user:password@search/x`));
    const span = t.spans()[0]!;
    expect(span.name).toBe('retrieval docs');
    expect(span.attributes[ATTR.OPERATION_NAME]).toBe('retrieval');
    expect(span.attributes[ATTR.ERROR_TYPE]).toBe('TypeError');
    expect(span.status.message).toBe('index at https://[REDACTED]@search/x');
  });
});

describe('the /metrics listener routing', () => {
  it('answers GET and HEAD of /metrics, 404 otherwise', async () => {
    const server = createServer(
      metricsRequestListener((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('up 1\n');
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const get = await fetch(`${url}/metrics`);
      expect([get.status, await get.text()]).toEqual([200, 'up 1\n']);
      const head = await fetch(`${url}/metrics`, { method: 'HEAD' });
      expect([head.status, await head.text()]).toEqual([200, '']);
      expect((await fetch(`${url}/other`)).status).toBe(404);
      expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(404);
    } finally {
      server.close();
    }
  });
});
