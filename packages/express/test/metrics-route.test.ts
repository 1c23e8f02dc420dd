import { withLLMCall } from '@llmeter/core';
import { internalLogger } from '@llmeter/core/internal';
import { llmeterMiddleware, metricsHandler, serveMetrics } from '@llmeter/express';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXPRESS_VERSIONS, type Running, start } from './helpers';

let t: InMemoryLLMeter | undefined;
let running: Running | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
  await t?.shutdown();
  t = undefined;
});

const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';

describe.each(EXPRESS_VERSIONS)('%s: /metrics route', (_n, express) => {
  async function appWithTraffic(token?: string) {
    const app = express();
    app.use(llmeterMiddleware());
    app.get('/metrics', metricsHandler(token === undefined ? {} : { token }));
    app.post('/chat', async (_req, res) => {
      await withLLMCall({ requestModel: 'gpt-4o-mini' }, async (op) => {
        op.update({ usage: { inputTokens: 3, outputTokens: 1 } });
      });
      res.send('ok');
    });
    running = await start(app);
    await fetch(`${running.url}/chat`, { method: 'POST' });
    return running;
  }

  it('requires the bearer token when one is set (401 without, 200 with)', async () => {
    t = setupInMemory();
    const { url } = await appWithTraffic('s3cret');
    const none = await fetch(`${url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(
      (await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer nope' } })).status,
    ).toBe(401);
    const ok = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer s3cret' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const body = await ok.text();
    expect(body).toContain('gen_ai_client_operation_duration_seconds_bucket');
    expect(body).toContain('gen_ai_request_model="gpt-4o-mini"');
  });

  it("falls back to init()'s metricsToken", async () => {
    t = setupInMemory({ metricsToken: 'from-init' });
    const { url } = await appWithTraffic();
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const ok = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer from-init' } });
    expect(ok.status).toBe(200);
  });

  it('serves OpenMetrics with trace exemplars when the scraper asks for it', async () => {
    t = setupInMemory();
    const { url } = await appWithTraffic();
    const res = await fetch(`${url}/metrics`, { headers: { accept: OPENMETRICS } });
    expect(res.headers.get('content-type')).toContain('application/openmetrics-text');
    const body = await res.text();
    expect(body.trimEnd().endsWith('# EOF')).toBe(true);
    expect(body).toMatch(
      /gen_ai_client_operation_duration_seconds_bucket\{[^}]*\} \d+ # \{trace_id="[0-9a-f]{32}",span_id="[0-9a-f]{16}"\}/,
    );
  });

  it('resolves llmeter per request: 503 before init(), metrics once init() ran', async () => {
    const app = express();
    app.get('/metrics', metricsHandler());
    running = await start(app);
    const early = await fetch(`${running.url}/metrics`);
    expect(early.status).toBe(503);
    t = setupInMemory();
    const later = await fetch(`${running.url}/metrics`);
    expect(later.status).toBe(200);
    expect(await later.text()).toContain(
      '# TYPE gen_ai_client_operation_duration_seconds histogram',
    );
  });
});

describe('serveMetrics: a separate metrics port', () => {
  it('serves /metrics with its own token on its own port, and closes', async () => {
    t = setupInMemory();
    await withLLMCall({ requestModel: 'gpt-4o-mini' }, async () => undefined);
    const handle = serveMetrics({ port: 0, host: '127.0.0.1', token: 'side' });
    const { port } = await handle.ready;
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const ok = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer side' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('gen_ai_request_model="gpt-4o-mini"');
    expect((await fetch(`${base}/other`)).status).toBe(404);
    await handle.close();
    await handle.close(); // idempotent
    await expect(fetch(`${base}/metrics`)).rejects.toThrow();
  });

  it('reports a port it cannot bind through ready, without an unhandled rejection', async () => {
    t = setupInMemory();
    const first = serveMetrics({ port: 0, host: '127.0.0.1' });
    const { port } = await first.ready;
    const logged = vi.spyOn(internalLogger(), 'error').mockImplementation(() => undefined);
    const second = serveMetrics({ port, host: '127.0.0.1' });
    await expect(second.ready).rejects.toThrow(/EADDRINUSE/);
    expect(logged).toHaveBeenCalledTimes(1);
    logged.mockRestore();
    await second.close();
    await first.close();
  });
});
