import type { ServerResponse } from 'node:http';
import { ATTR, METRIC } from '@llmeter/core';
import { llmeterMiddleware, llmeterServing } from '@llmeter/express';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import compression from 'compression';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  EXPRESS_VERSIONS,
  type ExpressFactory,
  type Running,
  sleep,
  sleepAtLeast,
  start,
} from './helpers';

let t: InMemoryLLMeter;
let running: Running | undefined;
beforeEach(() => {
  t = setupInMemory();
});
afterEach(async () => {
  await running?.close();
  running = undefined;
  await t.shutdown();
});

const FIRST_TOKEN_DELAY_MS = 150;
const TOKEN_GAP_MS = 20;
const MODEL = 'llama-3.1-8b-instruct';

type Req = import('express').Request;
type Res = import('express').Response;

function chunk(content: string | undefined, extra: Record<string, unknown> = {}) {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    model: MODEL,
    choices: content === undefined ? [] : [{ index: 0, delta: { content }, finish_reason: null }],
    ...extra,
  };
}

/** An OpenAI-compatible streaming route: role chunk, a delay, then one token per event. */
async function sseRoute(_req: Req, res: Res) {
  res.setHeader('content-type', 'text/event-stream');
  res.setHeader('cache-control', 'no-cache');
  res.flushHeaders();
  res.write(
    `data: ${JSON.stringify({ ...chunk(undefined), choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] })}\n\n`,
  );
  await sleepAtLeast(FIRST_TOKEN_DELAY_MS);
  for (const token of ['Hel', 'lo', ' wor', 'ld', '!']) {
    res.write(`data: ${JSON.stringify(chunk(token))}\n\n`);
    await sleepAtLeast(TOKEN_GAP_MS);
  }
  res.write(
    `data: ${JSON.stringify(chunk(undefined, { usage: { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 } }))}\n\n`,
  );
  res.end('data: [DONE]\n\n');
}

function jsonRoute(req: Req, res: Res) {
  res.json({
    id: 'chatcmpl-2',
    object: 'chat.completion',
    model: `${(req.body as { model: string }).model}-served`,
    choices: [
      { index: 0, message: { role: 'assistant', content: 'héllo ✓' }, finish_reason: 'stop' },
    ],
    usage: { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 },
  });
}

type Point = {
  attributes: Record<string, unknown>;
  value: { sum: number; count: number; min: number; max: number };
};

async function servedMetrics(expectedRequests = 1) {
  await vi.waitFor(
    async () => {
      const text = await t.metricsText();
      const m = text.match(/gen_ai_server_request_duration_seconds_count\{[^}]*\} (\d+)/g) ?? [];
      const total = m.reduce((n, line) => n + Number(line.split(' ').pop()), 0);
      if (total < expectedRequests) throw new Error('not recorded yet');
    },
    { timeout: 5000, interval: 10 },
  );
  const collected = await t.collectMetrics();
  const get = (name: string) => (t.metric(collected, name)?.dataPoints ?? []) as unknown as Point[];
  return {
    duration: get(METRIC.SERVER_REQUEST_DURATION),
    ttft: get(METRIC.SERVER_TIME_TO_FIRST_TOKEN),
    tpot: get(METRIC.SERVER_TIME_PER_OUTPUT_TOKEN),
  };
}

function post(url: string, body: unknown, init: RequestInit = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...init,
  });
}

describe.each(EXPRESS_VERSIONS)('%s: serving-side GenAI metrics', (_n, express) => {
  function app(withServing = true) {
    const a = express();
    a.use(llmeterMiddleware());
    a.use(express.json());
    const observe = withServing ? [llmeterServing()] : [];
    a.post('/v1/chat/completions', ...observe, (req, res) =>
      (req.body as { stream?: boolean }).stream ? sseRoute(req, res) : jsonRoute(req, res),
    );
    return a;
  }

  it('measures time to first token of a streamed route against a known injected delay', async () => {
    running = await start(app());
    const res = await post(`${running.url}/v1/chat/completions`, { model: MODEL, stream: true });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    await res.text();

    const { duration, ttft, tpot } = await servedMetrics();
    const labels = {
      [ATTR.OPERATION_NAME]: 'chat',
      [ATTR.PROVIDER_NAME]: 'openai',
      [ATTR.REQUEST_MODEL]: MODEL,
      [ATTR.RESPONSE_MODEL]: MODEL,
      [ATTR.SERVER_PORT]: running.port,
    };
    expect(ttft).toHaveLength(1);
    expect(ttft[0]!.attributes).toEqual(labels);
    expect(ttft[0]!.value.count).toBe(1);
    // the role-only first event is not a token: the first token follows the delay
    expect(ttft[0]!.value.sum).toBeGreaterThanOrEqual(FIRST_TOKEN_DELAY_MS / 1000);
    expect(ttft[0]!.value.sum).toBeLessThan(FIRST_TOKEN_DELAY_MS / 1000 + 1.5);

    // five tokens in five events: four inter-token gaps
    expect(tpot[0]!.value.count).toBe(4);
    expect(tpot[0]!.value.min).toBeGreaterThanOrEqual(TOKEN_GAP_MS / 1000);
    expect(tpot[0]!.value.max).toBeLessThan(TOKEN_GAP_MS / 1000 + 1);

    expect(duration[0]!.attributes).toEqual(labels);
    expect(duration[0]!.value.sum).toBeGreaterThanOrEqual(
      (FIRST_TOKEN_DELAY_MS + 4 * TOKEN_GAP_MS) / 1000,
    );
  });

  it('records duration, request and response model of a JSON route (no token timings)', async () => {
    running = await start(app());
    const res = await post(`${running.url}/v1/chat/completions`, { model: MODEL });
    expect(((await res.json()) as { model: string }).model).toBe(`${MODEL}-served`);
    const { duration, ttft, tpot } = await servedMetrics();
    expect(duration[0]!.attributes).toMatchObject({
      [ATTR.REQUEST_MODEL]: MODEL,
      [ATTR.RESPONSE_MODEL]: `${MODEL}-served`,
    });
    expect(duration[0]!.attributes[ATTR.ERROR_TYPE]).toBeUndefined();
    expect(ttft).toHaveLength(0);
    expect(tpot).toHaveLength(0);
  });

  it('leaves every response byte and header as the route wrote it', async () => {
    const withIt = await start(app(true));
    const without = await start(app(false));
    try {
      for (const body of [{ model: MODEL, stream: true }, { model: MODEL }]) {
        const [a, b] = await Promise.all([
          post(`${withIt.url}/v1/chat/completions`, body),
          post(`${without.url}/v1/chat/completions`, body),
        ]);
        const headers = (r: Response) =>
          [...r.headers].filter(([k]) => k !== 'date' && k !== 'etag' && k !== 'keep-alive');
        expect(headers(a)).toEqual(headers(b));
        expect(Buffer.from(await a.arrayBuffer())).toEqual(Buffer.from(await b.arrayBuffer()));
      }
    } finally {
      await withIt.close();
      await without.close();
    }
  });

  it('records an error status as error.type, without token timings', async () => {
    const a = express();
    a.use(express.json());
    a.post('/v1/chat/completions', llmeterServing(), (_req, res) => {
      res.status(503).json({ error: { type: 'overloaded', message: 'busy' } });
    });
    running = await start(a);
    expect((await post(`${running.url}/v1/chat/completions`, { model: MODEL })).status).toBe(503);
    const { duration, ttft } = await servedMetrics();
    expect(duration[0]!.attributes[ATTR.ERROR_TYPE]).toBe('503');
    expect(ttft).toHaveLength(0);
  });

  it('records an error reported inside a 200 stream', async () => {
    const a = express();
    a.post('/v1/chat/completions', llmeterServing(), (_req, res) => {
      res.setHeader('content-type', 'text/event-stream');
      res.write(`data: ${JSON.stringify(chunk('a'))}\n\n`);
      res.end(`data: ${JSON.stringify({ error: { type: 'server_error', message: 'x' } })}\n\n`);
    });
    running = await start(a);
    await (await post(`${running.url}/v1/chat/completions`, {})).text();
    const { duration } = await servedMetrics();
    expect(duration[0]!.attributes[ATTR.ERROR_TYPE]).toBe('server_error');
  });

  it('records a stream the client abandoned as aborted', async () => {
    const a = express();
    let closed!: () => void;
    const gone = new Promise<void>((r) => {
      closed = r;
    });
    a.post('/v1/chat/completions', llmeterServing(), (_req, res) => {
      res.setHeader('content-type', 'text/event-stream');
      res.write(`data: ${JSON.stringify(chunk('a'))}\n\n`);
      res.on('close', () => closed());
    });
    running = await start(a);
    const controller = new AbortController();
    const res = await post(`${running.url}/v1/chat/completions`, {}, { signal: controller.signal });
    await res.body!.getReader().read();
    controller.abort();
    await gone;
    const { duration, ttft } = await servedMetrics();
    expect(duration[0]!.attributes[ATTR.ERROR_TYPE]).toBe('aborted');
    expect(ttft).toHaveLength(0);
  });
});

describe('serving: what the observer copes with', () => {
  const express = EXPRESS_VERSIONS[1]![1] as ExpressFactory;

  it('parses events split at any byte, in Buffers, with CRLF and multi-byte characters', async () => {
    const payload = [
      `data: ${JSON.stringify(chunk('é✓'))}\r\n\r\n`,
      `: keep-alive comment\r\n\r\n`,
      `event: message\r\ndata: ${JSON.stringify(chunk('二'))}\r\n\r\n`,
      `data: ${JSON.stringify(chunk('三', { usage: { completion_tokens: 3 } }))}\r\n\r\n`,
      'data: [DONE]\r\n\r\n',
    ].join('');
    const bytes = Buffer.from(payload, 'utf8');
    const a = express();
    a.post('/v1/chat/completions', llmeterServing(), async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // 7-byte slices: splits CRLFs, JSON and UTF-8 sequences
      for (let i = 0; i < bytes.length; i += 7) {
        res.write(bytes.subarray(i, i + 7));
        if (i % 70 === 0) await sleep(1);
      }
      res.end();
    });
    running = await start(a);
    const res = await post(`${running.url}/v1/chat/completions`, {});
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
    const { ttft, tpot } = await servedMetrics();
    expect(ttft[0]!.value.count).toBe(1);
    expect(tpot[0]!.value.count).toBe(2);
  });

  it('spreads the decode time evenly when events carry several tokens (usage.completion_tokens)', async () => {
    const a = express();
    a.post('/v1/chat/completions', llmeterServing(), async (_req, res) => {
      res.setHeader('content-type', 'text/event-stream');
      res.write(`data: ${JSON.stringify(chunk('one two three'))}\n\n`);
      await sleepAtLeast(30);
      res.write(`data: ${JSON.stringify(chunk(' four five six'))}\n\n`);
      await sleepAtLeast(30);
      res.write(
        `data: ${JSON.stringify(chunk(' seven', { usage: { completion_tokens: 7 } }))}\n\n`,
      );
      res.end();
    });
    running = await start(a);
    await (await post(`${running.url}/v1/chat/completions`, {})).text();
    const { tpot } = await servedMetrics();
    expect(tpot[0]!.value.count).toBe(6);
    expect(tpot[0]!.value.max - tpot[0]!.value.min).toBeLessThan(1e-9);
    expect(tpot[0]!.value.sum).toBeGreaterThanOrEqual(0.06 - 1e-9);
  });

  it('keeps write/end return values and callbacks', async () => {
    const results: Array<{ returned: unknown[]; callbacks: number }> = [];
    const route = (withServing: boolean) => {
      const a = express();
      const handler = (_req: Req, res: Res) => {
        const returned: unknown[] = [];
        let callbacks = 0;
        const done = () => {
          callbacks++;
        };
        res.setHeader('content-type', 'text/event-stream');
        returned.push(res.write(`data: ${JSON.stringify(chunk('a'))}\n\n`, done));
        returned.push(
          res.write(Buffer.from(`data: ${JSON.stringify(chunk('b'))}\n\n`), 'utf8', done),
        );
        // far above the high-water mark: write() reports back-pressure (false)
        returned.push(res.write(`: ${'x'.repeat(4 << 20)}\n\n`, 'utf8', done));
        returned.push((res as ServerResponse).end(done) === res);
        res.on('finish', () => setImmediate(() => results.push({ returned, callbacks })));
      };
      if (withServing) a.post('/x', llmeterServing(), handler);
      else a.post('/x', handler);
      return a;
    };
    const one = await start(route(true));
    const two = await start(route(false));
    try {
      await (await post(`${one.url}/x`, {})).text();
      await (await post(`${two.url}/x`, {})).text();
      await vi.waitFor(() => expect(results).toHaveLength(2));
      expect(results[0]).toEqual(results[1]);
      expect(results[0]!.callbacks).toBe(4);
      expect(results[0]!.returned).toEqual([true, true, false, true]);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('observes the uncompressed stream behind a compression middleware', async () => {
    const a = express();
    a.use(compression({ threshold: 0 }));
    a.use(express.json());
    a.post('/v1/chat/completions', llmeterServing(), sseRoute);
    running = await start(a);
    const res = await post(
      `${running.url}/v1/chat/completions`,
      { model: MODEL, stream: true },
      { headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' } },
    );
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(await res.text()).toContain('data: [DONE]');
    const { ttft, tpot } = await servedMetrics();
    expect(ttft[0]!.value.sum).toBeGreaterThanOrEqual(FIRST_TOKEN_DELAY_MS / 1000);
    expect(tpot[0]!.value.count).toBe(4);
  });

  it('records the duration only when it sees compressed bytes (compression after it)', async () => {
    const a = express();
    a.use(express.json());
    a.post('/v1/chat/completions', llmeterServing(), compression({ threshold: 0 }), jsonRoute);
    running = await start(a);
    const res = await post(
      `${running.url}/v1/chat/completions`,
      { model: MODEL },
      { headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' } },
    );
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(((await res.json()) as { model: string }).model).toBe(`${MODEL}-served`);
    const { duration } = await servedMetrics();
    expect(duration[0]!.attributes[ATTR.REQUEST_MODEL]).toBe(MODEL);
    expect(duration[0]!.attributes[ATTR.RESPONSE_MODEL]).toBeUndefined();
  });

  it('does nothing (and changes nothing) before init()', async () => {
    await t.shutdown();
    const a = express();
    a.use(express.json());
    a.post('/v1/chat/completions', llmeterServing(), jsonRoute);
    running = await start(a);
    const res = await post(`${running.url}/v1/chat/completions`, { model: 'm' });
    expect(((await res.json()) as { model: string }).model).toBe('m-served');
    t = setupInMemory();
  });
});
