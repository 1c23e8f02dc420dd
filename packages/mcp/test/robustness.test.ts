import { withAgent, withTool } from '@llmeter/core';
import { getRecorder } from '@llmeter/core/internal';
import { instrumentMCPClient, instrumentMCPServer } from '@llmeter/mcp';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { connectTo, histogram, linkedPair, llmeter, weatherServer } from './helpers';

const t = llmeter();
afterAll(() => t.shutdown());
afterEach(() => {
  t.reset();
  vi.restoreAllMocks();
});

async function plainAndInstrumented<T>(call: (client: Client) => Promise<T>): Promise<[T, T]> {
  const plain = await linkedPair({ instrumentClient: false, instrumentServer: false });
  const traced = await linkedPair();
  try {
    return [await call(plain.client), await call(traced.client)];
  } finally {
    await plain.close();
    await traced.close();
  }
}

/** A server whose `meta` tool keeps the `_meta` of the last call it handled. */
async function metaServer() {
  const server = weatherServer();
  const seen: { last?: Record<string, unknown> } = {};
  server.registerTool('meta', {}, async (extra) => {
    seen.last = extra._meta as Record<string, unknown>;
    return { content: [] };
  });
  return { client: await connectTo(server), seen };
}

describe('MCP instrumentation never breaks the application', () => {
  it('returns results unchanged', async () => {
    const [plain, traced] = await plainAndInstrumented(async (c) => ({
      tool: await c.callTool({ name: 'get_weather', arguments: { city: 'Oslo' } }),
      tools: await c.listTools(),
      prompt: await c.getPrompt({ name: 'summarize' }),
      resource: await c.readResource({ uri: 'file:///readme.md' }),
      refused: await c.callTool({ name: 'refuse', arguments: {} }),
    }));
    expect(traced).toEqual(plain);
  });

  it('rethrows the SDK error unchanged', async () => {
    const [plain, traced] = await plainAndInstrumented((c) =>
      c
        .complete({ ref: { type: 'ref/prompt', name: 'x' }, argument: { name: 'a', value: 'b' } })
        .then(
          () => undefined,
          (e: { constructor: unknown; code: unknown; message: unknown }) => e,
        ),
    );
    expect(traced?.constructor).toBe(plain?.constructor);
    expect(traced?.code).toBe(plain?.code);
    expect(traced?.message).toBe(plain?.message);
  });

  it('keeps the _meta the caller passed, and does not change the caller objects', async () => {
    const { client, seen } = await metaServer();
    const params = Object.freeze({
      name: 'meta',
      arguments: Object.freeze({}),
      _meta: Object.freeze({ 'app.example/tenant': 'blue', traceparent: 'caller-set' }),
    });
    await client.callTool(params);
    await client.callTool({ name: 'meta', arguments: {} });
    await client.close();
    expect(params._meta).toEqual({ 'app.example/tenant': 'blue', traceparent: 'caller-set' });
    // The second call's _meta: only the injected context.
    expect(seen.last?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  });

  it('keeps a caller _meta key alongside the injected trace context', async () => {
    const { client, seen } = await metaServer();
    await client.callTool({ name: 'meta', arguments: {}, _meta: { 'app.example/tenant': 'blue' } });
    await client.close();
    expect(seen.last?.['app.example/tenant']).toBe('blue');
    expect(typeof seen.last?.traceparent).toBe('string');
  });

  it('leaves no unhandled rejection behind failed calls', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const pair = await linkedPair();
      await pair.client
        .complete({ ref: { type: 'ref/prompt', name: 'x' }, argument: { name: 'a', value: 'b' } })
        .catch(() => {});
      await pair.client.callTool({ name: 'explode', arguments: {} });
      await pair.close();
      await pair.client.listTools().catch(() => {});
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it('never throws when the recorder fails', async () => {
    vi.spyOn(getRecorder(), 'startMcp').mockImplementation(() => {
      throw new Error('recorder broke');
    });
    const pair = await linkedPair();
    const result = await pair.client.callTool({ name: 'get_weather', arguments: { city: 'Oslo' } });
    await pair.close();
    expect(result.content).toEqual([{ type: 'text', text: 'sunny in Oslo' }]);
  });

  it('returns what it was given when it is not an MCP endpoint, without throwing', () => {
    expect(instrumentMCPClient(42)).toBe(42);
    expect(instrumentMCPClient(null)).toBe(null);
    const odd = { request: 'nope' };
    expect(instrumentMCPServer(odd)).toBe(odd);
  });

  it('wraps nothing twice when instrumented twice', async () => {
    const pair = await linkedPair();
    instrumentMCPClient(pair.client);
    instrumentMCPServer(pair.server);
    await pair.client.listTools();
    await pair.close();
    const list = t.spans().filter((s) => s.name === 'tools/list');
    expect(list.map((s) => s.kind).sort()).toEqual([SpanKind.CLIENT, SpanKind.SERVER].sort());
  });
});

describe('an MCP tool call inside the agent', () => {
  it('counts as one of the agent tool calls, and is a child of the agent span', async () => {
    const pair = await linkedPair();
    await withAgent({ name: 'planner' }, () =>
      pair.client.callTool({ name: 'get_weather', arguments: { city: 'Oslo' } }),
    );
    await pair.close();
    const agent = t.spans().find((s) => s.name === 'invoke_agent planner');
    const call = t
      .spans()
      .find((s) => s.name === 'tools/call get_weather' && s.kind === SpanKind.CLIENT);
    expect(agent?.attributes['llmeter.agent.tool_calls']).toBe(1);
    expect(call?.spanContext().traceId).toBe(agent?.spanContext().traceId);
  });

  it('is counted once inside an outer tool operation of the same call', async () => {
    await histogram(t, 'gen_ai.execute_tool.duration');
    const pair = await linkedPair();
    await withAgent({ name: 'planner' }, () =>
      withTool({ name: 'get_weather' }, () =>
        pair.client.callTool({ name: 'get_weather', arguments: { city: 'Oslo' } }),
      ),
    );
    await pair.close();
    const points = await histogram(t, 'gen_ai.execute_tool.duration');
    expect(points.reduce((n, p) => n + p.value.count, 0)).toBe(1);
    const agent = t.spans().find((s) => s.name === 'invoke_agent planner');
    expect(agent?.attributes['llmeter.agent.tool_calls']).toBe(1);
  });

  it('with countToolCalls: false is an MCP operation only, for a framework that counts its own tool', async () => {
    await histogram(t, 'gen_ai.execute_tool.duration');
    const pair = await linkedPair();
    instrumentMCPClient(pair.client, { countToolCalls: false });
    await withAgent({ name: 'planner' }, () =>
      pair.client.callTool({ name: 'get_weather', arguments: { city: 'Oslo' } }),
    );
    await pair.close();
    expect(await histogram(t, 'gen_ai.execute_tool.duration')).toEqual([]);
    const agent = t.spans().find((s) => s.name === 'invoke_agent planner');
    expect(agent?.attributes['llmeter.agent.tool_calls']).toBe(0);
    const call = t
      .spans()
      .find((s) => s.name === 'tools/call get_weather' && s.kind === SpanKind.CLIENT);
    expect(call?.attributes['gen_ai.operation.name']).toBe('execute_tool');
  });
});
