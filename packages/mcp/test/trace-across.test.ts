import { MCP_ATTR, MCP_METRIC } from '@llmeter/core/internal';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { byName, histogram, linkedPair, llmeter, parentSpanId } from './helpers';

const t = llmeter();
afterAll(() => t.shutdown());
afterEach(() => t.reset());

describe('an instrumented client calling an instrumented server (in-memory linked pair)', () => {
  it('shows one trace across the boundary: the server span is a child of the client span', async () => {
    const pair = await linkedPair();
    const result = await pair.client.callTool({ name: 'get_weather', arguments: { city: 'Oslo' } });
    expect(result.content).toEqual([{ type: 'text', text: 'sunny in Oslo' }]);
    await pair.close();

    const calls = byName(t.spans(), 'tools/call get_weather');
    const client = calls.find((s) => s.kind === SpanKind.CLIENT);
    const server = calls.find((s) => s.kind === SpanKind.SERVER);
    expect(client).toBeDefined();
    expect(server).toBeDefined();
    expect(server?.spanContext().traceId).toBe(client?.spanContext().traceId);
    expect(parentSpanId(server!)).toBe(client?.spanContext().spanId);
    for (const span of [client!, server!]) {
      expect(span.attributes).toMatchObject({
        [MCP_ATTR.METHOD_NAME]: 'tools/call',
        'gen_ai.tool.name': 'get_weather',
        'gen_ai.operation.name': 'execute_tool',
        [MCP_ATTR.PROTOCOL_VERSION]: expect.any(String),
      });
      expect(span.attributes[MCP_ATTR.JSONRPC_REQUEST_ID]).toMatch(/^\d+$/);
      // Content capture is off here: no arguments or results on the spans.
      expect(span.attributes['gen_ai.tool.call.arguments']).toBeUndefined();
      expect(span.attributes['gen_ai.tool.call.result']).toBeUndefined();
    }
  });

  it('names spans {mcp.method.name} {target} and records the resource uri on the span only', async () => {
    const pair = await linkedPair();
    await pair.client.listTools();
    await pair.client.getPrompt({ name: 'summarize' });
    await pair.client.readResource({ uri: 'file:///readme.md' });
    await pair.close();
    const names = t.spans().map((s) => `${s.kind === SpanKind.CLIENT ? 'C' : 'S'} ${s.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'C initialize',
        'S initialize',
        'C tools/list',
        'S tools/list',
        'C prompts/get summarize',
        'S prompts/get summarize',
        'C resources/read',
        'S resources/read',
      ]),
    );
    const read = byName(t.spans(), 'resources/read');
    for (const span of read)
      expect(span.attributes[MCP_ATTR.RESOURCE_URI]).toBe('file:///readme.md');
    const prompt = byName(t.spans(), 'prompts/get summarize')[0];
    expect(prompt.attributes[MCP_ATTR.PROMPT_NAME]).toBe('summarize');
    expect(prompt.attributes['gen_ai.operation.name']).toBeUndefined();
  });

  it('counts each operation once per side in the MCP metrics', async () => {
    await histogram(t, MCP_METRIC.CLIENT_OPERATION_DURATION); // drop earlier tests' deltas
    const pair = await linkedPair();
    await pair.client.callTool({ name: 'get_weather', arguments: { city: 'Rome' } });
    await pair.client.callTool({ name: 'get_weather', arguments: { city: 'Lima' } });
    await pair.close();
    const collected = await t.collectMetrics();
    const points = (name: string) =>
      (t.metric(collected, name)?.dataPoints ?? []) as Array<{
        attributes: Record<string, unknown>;
        value: { count: number };
      }>;
    const toolCalls = (name: string) =>
      points(name)
        .filter((p) => p.attributes[MCP_ATTR.METHOD_NAME] === 'tools/call')
        .reduce((n, p) => n + p.value.count, 0);
    expect(toolCalls(MCP_METRIC.CLIENT_OPERATION_DURATION)).toBe(2);
    expect(toolCalls(MCP_METRIC.SERVER_OPERATION_DURATION)).toBe(2);
    // The client's tool call is also the agent's execute_tool; the server's is not counted again.
    const tool = points('gen_ai.execute_tool.duration');
    expect(tool.reduce((n, p) => n + p.value.count, 0)).toBe(2);
    expect(tool[0].attributes).toEqual({ 'gen_ai.tool.name': 'get_weather' });
    // One session each side, connect to close.
    expect(points(MCP_METRIC.CLIENT_SESSION_DURATION).reduce((n, p) => n + p.value.count, 0)).toBe(
      1,
    );
    expect(points(MCP_METRIC.SERVER_SESSION_DURATION).reduce((n, p) => n + p.value.count, 0)).toBe(
      1,
    );
  });

  it('puts the MCP metrics on /metrics with the collector translation of their names', async () => {
    const pair = await linkedPair();
    await pair.client.callTool({ name: 'get_weather', arguments: { city: 'Oslo' } });
    await pair.close();
    const text = await t.metricsText();
    expect(text).toMatch(
      /mcp_client_operation_duration_seconds_bucket\{[^}]*mcp_method_name="tools\/call"[^}]*gen_ai_tool_name="get_weather"/,
    );
    expect(text).toContain('mcp_server_operation_duration_seconds_count');
    expect(text).toContain('mcp_client_session_duration_seconds_count');
    expect(text).toContain('mcp_server_session_duration_seconds_count');
    expect(text).toMatch(/mcp_client_operation_duration_seconds_bucket\{[^}]*le="300"/);
  });
});
