import { ATTR, METRIC } from '@llmeter/core';
import { internalLogger } from '@llmeter/core/internal';
import { llmeterErrorHandler, llmeterMiddleware } from '@llmeter/express';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import { SpanKind, SpanStatusCode, type TextMapPropagator } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EXPRESS_VERSIONS, type Running, spanNamed, start } from './helpers';

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

class QuotaExceeded extends Error {
  status = 503;
  code = 'quota';
}

describe.each(EXPRESS_VERSIONS)('%s: errors', (_n, express) => {
  it('passes the very same error to the application error handler, status unchanged', async () => {
    const thrown = new QuotaExceeded('upstream quota');
    let seen: unknown;
    const app = express();
    app.use(llmeterMiddleware({ agentName: 'a' }));
    app.get('/boom', () => {
      throw thrown;
    });
    app.use(llmeterErrorHandler());
    app.use(
      (
        err: unknown,
        _req: import('express').Request,
        res: import('express').Response,
        _next: import('express').NextFunction,
      ) => {
        seen = err;
        res.status(418).json({ handled: true });
      },
    );
    running = await start(app);
    const res = await fetch(`${running.url}/boom`);
    expect(res.status).toBe(418);
    expect(await res.json()).toEqual({ handled: true });
    expect(seen).toBe(thrown);

    const server = await spanNamed(t, (s) => s.kind === SpanKind.SERVER);
    expect(server.name).toBe('GET /boom');
    expect(server.attributes['http.response.status_code']).toBe(418);
    // 4xx is the client's business on a server span, but the exception is on record
    expect(server.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(server.events.map((e) => e.name)).toContain('exception');
    const agent = await spanNamed(t, (s) => s.name === 'invoke_agent a');
    expect(agent.status.code).toBe(SpanStatusCode.ERROR);
    expect(agent.attributes[ATTR.ERROR_TYPE]).toBe('QuotaExceeded');

    const collected = await t.collectMetrics();
    const duration = t.metric(collected, METRIC.INVOKE_AGENT_DURATION)!.dataPoints[0]!;
    expect(duration.attributes[ATTR.ERROR_TYPE]).toBe('QuotaExceeded');
  });

  it("marks the span failed when Express's default handler answers 500", async () => {
    const app = express();
    app.use(llmeterMiddleware());
    app.get('/boom', () => {
      throw new TypeError('bad');
    });
    app.use(llmeterErrorHandler());
    running = await start(app);
    const res = await fetch(`${running.url}/boom`);
    expect(res.status).toBe(500);
    const server = await spanNamed(t, (s) => s.kind === SpanKind.SERVER);
    expect(server.status.code).toBe(SpanStatusCode.ERROR);
    expect(server.attributes['error.type']).toBe('TypeError');
    expect(server.attributes['http.response.status_code']).toBe(500);
  });

  it('marks a 5xx response failed even without an error object', async () => {
    const app = express();
    app.use(llmeterMiddleware({ agentName: 'a' }));
    app.get('/unavailable', (_req, res) => {
      res.status(503).send('later');
    });
    running = await start(app);
    expect((await fetch(`${running.url}/unavailable`)).status).toBe(503);
    const server = await spanNamed(t, (s) => s.kind === SpanKind.SERVER);
    expect(server.status.code).toBe(SpanStatusCode.ERROR);
    expect(server.attributes['error.type']).toBe('503');
    const agent = await spanNamed(t, (s) => s.name === 'invoke_agent a');
    expect(agent.attributes[ATTR.ERROR_TYPE]).toBe('503');
  });

  it('keeps the request working when llmeter itself fails (fail-open)', async () => {
    const broken: TextMapPropagator = {
      extract() {
        throw new Error('propagator bug');
      },
      inject() {},
      fields: () => [],
    };
    const app = express();
    app.use(llmeterMiddleware({ propagator: broken, agentName: () => 'x' }));
    app.get('/ok', (_req, res) => {
      res.json({ fine: true });
    });
    running = await start(app);
    const logged = vi.spyOn(internalLogger(), 'error').mockImplementation(() => undefined);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${running.url}/ok`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ fine: true });
    }
    // logged once per process, not per request
    expect(logged.mock.calls.length).toBeLessThanOrEqual(1);
    logged.mockRestore();
  });

  it('keeps the request working when agentName throws', async () => {
    const app = express();
    app.use(
      llmeterMiddleware({
        agentName: () => {
          throw new Error('user bug');
        },
      }),
    );
    app.get('/ok', (_req, res) => {
      res.send('fine');
    });
    running = await start(app);
    expect(await (await fetch(`${running.url}/ok`)).text()).toBe('fine');
  });

  it('works before init() and when llmeter is shut down (no-op, request untouched)', async () => {
    await t.shutdown();
    const app = express();
    app.use(llmeterMiddleware({ agentName: 'a' }));
    app.get('/ok', (_req, res) => {
      res.send('fine');
    });
    app.use(llmeterErrorHandler());
    running = await start(app);
    expect(await (await fetch(`${running.url}/ok`)).text()).toBe('fine');
    t = setupInMemory();
  });
});

describe('express 5: async errors', () => {
  const express = EXPRESS_VERSIONS[1]![1];
  it('records a rejected async handler (Express 5 forwards it)', async () => {
    const rejected = new RangeError('async');
    let seen: unknown;
    const app = express();
    app.use(llmeterMiddleware());
    app.get('/async', async () => {
      await new Promise((r) => setTimeout(r, 2));
      throw rejected;
    });
    app.use(llmeterErrorHandler());
    app.use(
      (
        err: unknown,
        _req: import('express').Request,
        res: import('express').Response,
        _next: import('express').NextFunction,
      ) => {
        seen = err;
        res.status(502).end();
      },
    );
    running = await start(app);
    expect((await fetch(`${running.url}/async`)).status).toBe(502);
    expect(seen).toBe(rejected);
    const server = await spanNamed(t, (s) => s.kind === SpanKind.SERVER);
    expect(server.attributes['error.type']).toBe('RangeError');
    expect(server.status.code).toBe(SpanStatusCode.ERROR);
  });
});
