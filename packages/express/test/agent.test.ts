import { ATTR, METRIC, withLLMCall, withTool } from '@llmeter/core';
import { llmeterAgent, llmeterMiddleware } from '@llmeter/express';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  EXPRESS_VERSIONS,
  parentSpanId,
  type Running,
  sleep,
  sleepAtLeast,
  spanNamed,
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

/** A handler that does what an agent does: a model call, a tool, another model call. */
function agentRoute() {
  return async (req: import('express').Request, res: import('express').Response) => {
    await sleepAtLeast(5);
    await withLLMCall({ requestModel: 'gpt-4o-mini' }, async (op) => {
      await sleepAtLeast(5);
      op.update({ usage: { inputTokens: 10, outputTokens: 2 } });
    });
    const weather = await withTool('get_weather', async () => {
      await sleepAtLeast(5);
      return 'sunny';
    });
    await withLLMCall({ requestModel: 'gpt-4o-mini' }, async () => sleepAtLeast(5));
    res.json({ weather, echo: (req.body as { q?: string } | undefined)?.q ?? null });
  };
}

type Point = { attributes: Record<string, unknown>; value: { sum: number; count: number } };
function points(collected: Awaited<ReturnType<InMemoryLLMeter['collectMetrics']>>, name: string) {
  return (t.metric(collected, name)?.dataPoints ?? []) as unknown as Point[];
}

describe.each(EXPRESS_VERSIONS)(
  '%s: request as the parent of LLM and tool spans',
  (_n, express) => {
    it('makes model and tool spans children of the request (through its agent span)', async () => {
      const app = express();
      app.use(llmeterMiddleware({ agentName: 'support-agent' }));
      app.use(express.json());
      app.post('/chat', agentRoute());
      running = await start(app);

      const res = await fetch(`${running.url}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ q: 'weather?' }),
      });
      expect(await res.json()).toEqual({ weather: 'sunny', echo: 'weather?' });

      const server = await spanNamed(t, (s) => s.kind === SpanKind.SERVER);
      const agent = await spanNamed(t, (s) => s.name === 'invoke_agent support-agent');
      const chats = t.spans().filter((s) => s.name === 'chat gpt-4o-mini');
      const tool = t.spans().find((s) => s.name === 'execute_tool get_weather')!;

      const traceId = server.spanContext().traceId;
      expect(server.name).toBe('POST /chat');
      expect(parentSpanId(agent)).toBe(server.spanContext().spanId);
      expect(chats).toHaveLength(2);
      for (const child of [...chats, tool]) {
        expect(child.spanContext().traceId).toBe(traceId);
        expect(parentSpanId(child)).toBe(agent.spanContext().spanId);
      }
      expect(agent.attributes[ATTR.LLMETER_AGENT_INFERENCE_CALLS]).toBe(2);
      expect(agent.attributes[ATTR.LLMETER_AGENT_TOOL_CALLS]).toBe(1);
    });

    it('records the request-level invoke_agent duration and call counts', async () => {
      const app = express();
      app.use(llmeterMiddleware({ agentName: 'support-agent' }));
      app.use(express.json());
      app.post('/chat', agentRoute());
      running = await start(app);

      const before = performance.now();
      await fetch(`${running.url}/chat`, { method: 'POST', body: '{}' });
      await fetch(`${running.url}/chat`, { method: 'POST', body: '{}' });
      const elapsedS = (performance.now() - before) / 1000;
      await waitForServerSpans(2);

      const collected = await t.collectMetrics();
      const [duration] = points(collected, METRIC.INVOKE_AGENT_DURATION);
      expect(duration!.attributes).toEqual({ [ATTR.AGENT_NAME]: 'support-agent' });
      expect(duration!.value.count).toBe(2);
      // each request sleeps at least 20 ms in the handler; both took less than the wall time
      expect(duration!.value.sum).toBeGreaterThanOrEqual(0.04);
      expect(duration!.value.sum).toBeLessThanOrEqual(elapsedS + 0.05);
      const [tools] = points(collected, METRIC.INVOKE_AGENT_TOOL_CALLS);
      const [inferences] = points(collected, METRIC.INVOKE_AGENT_INFERENCE_CALLS);
      expect(tools!.value).toMatchObject({ count: 2, sum: 2 });
      expect(inferences!.value).toMatchObject({ count: 2, sum: 4 });

      const text = await t.metricsText();
      expect(text).toContain(
        'gen_ai_invoke_agent_inference_calls_sum{gen_ai_agent_name="support-agent"} 4',
      );
    });

    it('names the agent per route with llmeterAgent(), and records no agent where none is named', async () => {
      const app = express();
      app.use(llmeterMiddleware());
      app.post('/chat', llmeterAgent('chat-agent'), agentRoute());
      // not a probe path (those are excluded entirely): a traced request without an agent
      app.get('/status', (_req, res) => {
        res.send('ok');
      });
      running = await start(app);
      await fetch(`${running.url}/status`);
      await fetch(`${running.url}/chat`, { method: 'POST' });
      const agent = await spanNamed(t, (s) => s.name === 'invoke_agent chat-agent');
      const server = await spanNamed(t, (s) => s.name === 'POST /chat');
      expect(parentSpanId(agent)).toBe(server.spanContext().spanId);
      await spanNamed(t, (s) => s.name === 'GET /status');
      expect(t.spans().filter((s) => s.name.startsWith('invoke_agent'))).toHaveLength(1);

      const collected = await t.collectMetrics();
      const durations = points(collected, METRIC.INVOKE_AGENT_DURATION);
      expect(durations.map((p) => p.attributes[ATTR.AGENT_NAME])).toEqual(['chat-agent']);
    });

    it('nests a route agent under the request agent when both are named', async () => {
      const app = express();
      app.use(llmeterMiddleware({ agentName: 'outer' }));
      app.post('/chat', llmeterAgent('inner'), agentRoute());
      running = await start(app);
      await fetch(`${running.url}/chat`, { method: 'POST' });
      const outer = await spanNamed(t, (s) => s.name === 'invoke_agent outer');
      const inner = await spanNamed(t, (s) => s.name === 'invoke_agent inner');
      expect(parentSpanId(inner)).toBe(outer.spanContext().spanId);
      expect(inner.attributes[ATTR.LLMETER_AGENT_INFERENCE_CALLS]).toBe(2);
    });

    it('works on its own, without llmeterMiddleware in front', async () => {
      const app = express();
      app.post('/chat', llmeterAgent('solo'), agentRoute());
      running = await start(app);
      await fetch(`${running.url}/chat`, { method: 'POST' });
      const agent = await spanNamed(t, (s) => s.name === 'invoke_agent solo');
      expect(agent.attributes[ATTR.LLMETER_AGENT_TOOL_CALLS]).toBe(1);
      expect(t.spans().filter((s) => s.kind === SpanKind.SERVER)).toHaveLength(0);
    });

    it('resolves agentName per request with a function', async () => {
      const app = express();
      app.use(
        llmeterMiddleware({
          agentName: (req) => (req.path?.startsWith('/agents/') ? req.path.slice(8) : undefined),
        }),
      );
      app.post('/agents/:name', agentRoute());
      running = await start(app);
      await fetch(`${running.url}/agents/planner`, { method: 'POST' });
      const agent = await spanNamed(t, (s) => s.name === 'invoke_agent planner');
      expect(agent.attributes[ATTR.LLMETER_AGENT_INFERENCE_CALLS]).toBe(2);
    });

    it('keeps the request context across async middleware, timers and a body parser', async () => {
      const app = express();
      app.use(llmeterMiddleware({ agentName: 'a' }));
      app.use((_req, _res, next) => {
        setTimeout(next, 5);
      });
      app.use(express.json());
      app.use(async (_req, _res, next) => {
        await sleep(2);
        next();
      });
      app.post('/chat', agentRoute());
      running = await start(app);
      await fetch(`${running.url}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ q: 'x'.repeat(100_000) }),
      });
      const agent = await spanNamed(t, (s) => s.name === 'invoke_agent a');
      const chats = t.spans().filter((s) => s.name === 'chat gpt-4o-mini');
      expect(chats).toHaveLength(2);
      for (const chat of chats) expect(parentSpanId(chat)).toBe(agent.spanContext().spanId);
    });

    it('ends the request span and agent when the client goes away mid-response', async () => {
      const app = express();
      app.use(llmeterMiddleware({ agentName: 'a' }));
      let closed!: () => void;
      const gone = new Promise<void>((r) => {
        closed = r;
      });
      app.get('/slow', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial');
        res.on('close', () => closed());
      });
      running = await start(app);
      const controller = new AbortController();
      const res = await fetch(`${running.url}/slow`, { signal: controller.signal });
      const reader = res.body!.getReader();
      await reader.read();
      controller.abort();
      await gone;
      const server = await spanNamed(t, (s) => s.kind === SpanKind.SERVER);
      expect(server.attributes['llmeter.request.aborted']).toBe(true);
      await spanNamed(t, (s) => s.name === 'invoke_agent a');
    });
  },
);

async function waitForServerSpans(n: number) {
  await vi.waitFor(
    () => {
      if (t.spans().filter((s) => s.kind === SpanKind.SERVER).length < n) throw new Error('wait');
    },
    { timeout: 5000, interval: 10 },
  );
}

describe('before init()', () => {
  it("keeps the application's own server span active when llmeter is not initialised", async () => {
    await t.shutdown();
    // The application runs OpenTelemetry itself; llmeter's init() has not run (yet).
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
    try {
      const app = EXPRESS_VERSIONS[1]![1]();
      app.use(llmeterMiddleware({ agentName: 'a' }));
      let active: string | undefined;
      app.get('/x', llmeterAgent('b'), (_req, res) => {
        active = trace.getSpan(context.active())?.spanContext().spanId;
        res.send('ok');
      });
      running = await start(app);
      expect(await (await fetch(`${running.url}/x`)).text()).toBe('ok');
      const server = await vi.waitFor(() => {
        const found = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER);
        if (!found) throw new Error('not yet');
        return found;
      });
      expect(server.name).toBe('GET /x');
      expect(active).toBe(server.spanContext().spanId);
    } finally {
      trace.disable();
      context.disable();
      await provider.shutdown();
      t = setupInMemory();
    }
  });
});
