import { llmeterAgent, llmeterMiddleware, metricsHandler } from '@llmeter/express';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXPRESS_VERSIONS, type Running, serverSpan, sleep, start } from './helpers';

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

async function agentRuns() {
  const collected = await t.collectMetrics();
  const duration = t.metric(collected, 'gen_ai.invoke_agent.duration');
  return (duration?.dataPoints ?? []).reduce(
    (sum, p) => sum + ((p.value as { count?: number }).count ?? 0),
    0,
  );
}

describe.each(EXPRESS_VERSIONS)('%s: paths left alone by default', (_n, express) => {
  it('scrapes /metrics ten times and records no agent run and no span', async () => {
    const app = express();
    app.use(llmeterMiddleware({ agentName: 'support-agent' }));
    app.get('/metrics', metricsHandler());
    running = await start(app);
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${running.url}/metrics`);
      expect(res.status).toBe(200);
      await res.text();
    }
    await sleep(20); // spans end on 'finish', which may trail the client
    expect(t.spans()).toHaveLength(0);
    expect(await agentRuns()).toBe(0);
  });

  it.each(['/healthz', '/readyz', '/livez', '/health', '/healthz/', '/readyz?verbose=1'])(
    'leaves the probe %s alone',
    async (path) => {
      const app = express();
      app.use(llmeterMiddleware({ agentName: 'support-agent' }));
      app.get(/.*/, (_req, res) => {
        res.send('ok');
      });
      running = await start(app);
      await (await fetch(`${running.url}${path}`)).text();
      await (await fetch(`${running.url}/chat`)).text();
      const span = await serverSpan(t);
      expect(t.spans().filter((s) => s.kind === 1)).toHaveLength(1);
      expect(span.attributes['url.path']).toBe('/chat');
      expect(await agentRuns()).toBe(1);
    },
  );

  it('finds llmeter’s metrics route wherever the app mounts it', async () => {
    const app = express();
    app.use(llmeterMiddleware({ agentName: 'support-agent' }));
    app.get('/internal/prometheus', metricsHandler());
    running = await start(app);
    for (let i = 0; i < 3; i++) await (await fetch(`${running.url}/internal/prometheus`)).text();
    await sleep(20);
    expect(t.spans()).toHaveLength(0);
    expect(await agentRuns()).toBe(0);
  });

  it('takes another list: excludePaths replaces the default, strings and regular expressions', async () => {
    const app = express();
    app.use(llmeterMiddleware({ excludePaths: ['/status', /^\/internal\//] }));
    app.get(/.*/, (_req, res) => {
      res.send('ok');
    });
    running = await start(app);
    for (const path of ['/status', '/internal/x', '/healthz']) {
      await (await fetch(`${running.url}${path}`)).text();
    }
    const span = await serverSpan(t);
    expect(t.spans()).toHaveLength(1);
    expect(span.attributes['url.path']).toBe('/healthz');
  });

  it('records the per-route agent form and nothing for the probes beside it', async () => {
    const app = express();
    app.use(llmeterMiddleware());
    app.get('/healthz', (_req, res) => {
      res.send('ok');
    });
    app.post('/chat', llmeterAgent('support-agent'), (_req, res) => {
      res.send('hi');
    });
    running = await start(app);
    await (await fetch(`${running.url}/healthz`)).text();
    await (await fetch(`${running.url}/chat`, { method: 'POST' })).text();
    await serverSpan(t);
    expect(
      t
        .spans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['POST /chat', 'invoke_agent support-agent']);
    expect(await agentRuns()).toBe(1);
  });
});
