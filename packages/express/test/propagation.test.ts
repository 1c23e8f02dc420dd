import { llmeterMiddleware } from '@llmeter/express';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EXPRESS_VERSIONS,
  parentSpanId,
  type Running,
  serverSpan,
  spanNamed,
  start,
} from './helpers';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const B3_TRACE_ID = '80f198ee56343ba864fe8b2a57d3eff7';
const B3_PARENT_ID = 'e457b5a2e4d86bd1';

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

describe.each(EXPRESS_VERSIONS)('%s: trace continuation', (_name, express) => {
  async function serve(seen: { baggage?: string; traceId?: string } = {}) {
    const app = express();
    app.use(llmeterMiddleware());
    app.get('/items/:id', (_req, res) => {
      const active = context.active();
      seen.traceId = trace.getSpan(active)?.spanContext().traceId;
      seen.baggage = propagation.getBaggage(active)?.getEntry('tenant')?.value;
      res.json({ ok: true });
    });
    running = await start(app);
    return running;
  }

  it('continues a W3C traceparent and exposes baggage to handlers', async () => {
    const seen: { baggage?: string; traceId?: string } = {};
    const { url } = await serve(seen);
    const res = await fetch(`${url}/items/42?secret=x`, {
      headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`, baggage: 'tenant=acme' },
    });
    expect(res.status).toBe(200);
    const span = await serverSpan(t);
    expect(span.spanContext().traceId).toBe(TRACE_ID);
    expect(parentSpanId(span)).toBe(PARENT_ID);
    expect(seen).toEqual({ traceId: TRACE_ID, baggage: 'acme' });
  });

  it('continues a B3 single header', async () => {
    const { url } = await serve();
    await fetch(`${url}/items/1`, { headers: { b3: `${B3_TRACE_ID}-${B3_PARENT_ID}-1` } });
    const span = await serverSpan(t);
    expect(span.spanContext().traceId).toBe(B3_TRACE_ID);
    expect(parentSpanId(span)).toBe(B3_PARENT_ID);
  });

  it('continues B3 multi headers', async () => {
    const { url } = await serve();
    await fetch(`${url}/items/1`, {
      headers: {
        'X-B3-TraceId': B3_TRACE_ID,
        'X-B3-SpanId': B3_PARENT_ID,
        'X-B3-Sampled': '1',
      },
    });
    const span = await serverSpan(t);
    expect(span.spanContext().traceId).toBe(B3_TRACE_ID);
    expect(parentSpanId(span)).toBe(B3_PARENT_ID);
  });

  it('prefers W3C when a request carries both W3C and B3', async () => {
    const { url } = await serve();
    await fetch(`${url}/items/1`, {
      headers: {
        traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`,
        b3: `${B3_TRACE_ID}-${B3_PARENT_ID}-1`,
      },
    });
    const span = await serverSpan(t);
    expect(span.spanContext().traceId).toBe(TRACE_ID);
  });

  it('starts a new trace without incoming headers, and ignores malformed ones', async () => {
    const { url } = await serve();
    const res = await fetch(`${url}/items/1`, { headers: { traceparent: 'garbage', b3: 'x-y' } });
    expect(res.status).toBe(200);
    const span = await serverSpan(t);
    expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(parentSpanId(span)).toBeUndefined();
  });

  it('names the SERVER span METHOD route and records the HTTP attributes', async () => {
    const { url } = await serve();
    await fetch(`${url}/items/42?secret=x`);
    const span = await serverSpan(t);
    expect(span.kind).toBe(SpanKind.SERVER);
    expect(span.name).toBe('GET /items/:id');
    expect(span.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.path': '/items/42',
      'url.scheme': 'http',
      'http.route': '/items/:id',
      'http.response.status_code': 200,
    });
    expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it('includes the mount path of a router in http.route', async () => {
    const app = express();
    app.use(llmeterMiddleware());
    const router = express.Router();
    router.get('/users/:id', (_req, res) => {
      res.send('ok');
    });
    app.use('/api', router);
    running = await start(app);
    await fetch(`${running.url}/api/users/7`);
    const span = await serverSpan(t);
    expect(span.name).toBe('GET /api/users/:id');
    expect(span.attributes['http.route']).toBe('/api/users/:id');
  });

  it('names an unmatched request by its method only (no unbounded path in the name)', async () => {
    const { url } = await serve();
    const res = await fetch(`${url}/nowhere/123`);
    expect(res.status).toBe(404);
    const span = await serverSpan(t);
    expect(span.name).toBe('GET');
    expect(span.attributes['http.response.status_code']).toBe(404);
    expect(span.attributes['http.route']).toBeUndefined();
    expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it('leaves ignored requests alone', async () => {
    const app = express();
    app.use(llmeterMiddleware({ ignore: (req) => req.path === '/healthz' }));
    app.get('/healthz', (_req, res) => {
      res.send('ok');
    });
    running = await start(app);
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    expect(t.spans()).toHaveLength(0);
  });

  it('nests under an already active span instead of adding a second SERVER span (auto)', async () => {
    const app = express();
    const tracer = trace.getTracer('app-http-instrumentation');
    app.use((_req, res, next) => {
      const outer = tracer.startSpan('outer', { kind: SpanKind.SERVER });
      res.on('finish', () => outer.end());
      context.with(trace.setSpan(context.active(), outer), next);
    });
    app.use(llmeterMiddleware({ agentName: 'a' }));
    app.get('/x', (_req, res) => {
      res.send('ok');
    });
    running = await start(app);
    await fetch(`${running.url}/x`, { headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` } });
    const agent = await spanNamed(t, (s) => s.name === 'invoke_agent a');
    const outer = await spanNamed(t, (s) => s.name === 'outer');
    expect(t.spans().filter((s) => s.kind === SpanKind.SERVER)).toHaveLength(1);
    expect(parentSpanId(agent)).toBe(outer.spanContext().spanId);
  });
});
