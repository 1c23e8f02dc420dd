import { MCP_ATTR, MCP_METRIC } from '@llmeter/core/internal';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connectTo, histogram, linkedPair, llmeter } from './helpers';

const t = llmeter();
afterAll(() => t.shutdown());
afterEach(() => t.reset());

function sides(name: string) {
  const spans = t.spans().filter((s) => s.name === name);
  return {
    client: spans.find((s) => s.kind === SpanKind.CLIENT),
    server: spans.find((s) => s.kind === SpanKind.SERVER),
  };
}

describe('MCP failures', () => {
  it('records a tool that throws as tool_error on both sides (McpServer answers isError)', async () => {
    const pair = await linkedPair();
    const result = await pair.client.callTool({ name: 'explode', arguments: {} });
    await pair.close();
    expect(result.isError).toBe(true);
    const { client, server } = sides('tools/call explode');
    for (const span of [client, server]) {
      expect(span?.attributes['error.type']).toBe('tool_error');
      expect(span?.status.code).toBe(SpanStatusCode.ERROR);
      expect(span?.attributes[MCP_ATTR.RPC_RESPONSE_STATUS_CODE]).toBeUndefined();
    }
  });

  it('records an isError result as tool_error, in the MCP and the tool metrics', async () => {
    await histogram(t, 'gen_ai.execute_tool.duration');
    const pair = await linkedPair();
    const result = await pair.client.callTool({ name: 'refuse', arguments: {} });
    await pair.close();
    expect(result).toMatchObject({
      isError: true,
      content: [{ type: 'text', text: 'not allowed' }],
    });
    const collected = await t.collectMetrics();
    const server = t.metric(collected, MCP_METRIC.SERVER_OPERATION_DURATION)?.dataPoints ?? [];
    expect(
      server.find((p) => p.attributes['gen_ai.tool.name'] === 'refuse')?.attributes['error.type'],
    ).toBe('tool_error');
    const tool = t.metric(collected, 'gen_ai.execute_tool.duration')?.dataPoints ?? [];
    expect(tool.map((p) => p.attributes)).toEqual([
      { 'gen_ai.tool.name': 'refuse', 'error.type': 'tool_error' },
    ]);
  });

  it('records an unknown tool as tool_error (the SDK answers it with an isError result)', async () => {
    const pair = await linkedPair();
    const result = await pair.client.callTool({ name: 'no_such_tool', arguments: {} });
    await pair.close();
    expect(result.isError).toBe(true);
    expect(sides('tools/call no_such_tool').server?.attributes['error.type']).toBe('tool_error');
  });

  it('records a JSON-RPC error as its code, with rpc.response.status_code, and rethrows it unchanged', async () => {
    const server = new McpServer({ name: 'strict', version: '1.0.0' });
    server.registerTool('t', {}, async () => ({ content: [] }));
    server.server.registerCapabilities({ prompts: {} });
    // A low-level handler answering with a JSON-RPC error.
    server.server.setRequestHandler(
      (await import('@modelcontextprotocol/sdk/types.js')).ListPromptsRequestSchema,
      () => {
        throw new McpError(ErrorCode.InvalidParams, 'bad cursor');
      },
    );
    const client = await connectTo(server);
    const error = await client.listPrompts().catch((e: unknown) => e);
    await client.close();
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(ErrorCode.InvalidParams);
    const { client: c, server: s } = sides('prompts/list');
    // The status description is the JSON-RPC error's message, as the server sent it.
    expect(c?.status.message).toBe('MCP error -32602: bad cursor');
    for (const span of [c, s]) {
      expect(span?.attributes['error.type']).toBe('-32602');
      expect(span?.attributes[MCP_ATTR.RPC_RESPONSE_STATUS_CODE]).toBe('-32602');
      expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    }
  });

  it("types a code outside JSON-RPC's reserved range as _OTHER, keeping it in rpc.response.status_code", async () => {
    const server = new McpServer({ name: 'own-codes', version: '1.0.0' });
    server.registerTool('t', {}, async () => ({ content: [] }));
    server.server.registerCapabilities({ prompts: {} });
    server.server.setRequestHandler(
      (await import('@modelcontextprotocol/sdk/types.js')).ListPromptsRequestSchema,
      () => {
        throw new McpError(424242, 'an application code');
      },
    );
    const client = await connectTo(server);
    const error = await client.listPrompts().catch((e: unknown) => e);
    await client.close();
    expect((error as McpError).code).toBe(424242);
    const { client: c, server: s } = sides('prompts/list');
    for (const span of [c, s]) {
      expect(span?.attributes['error.type']).toBe('_OTHER');
      expect(span?.attributes[MCP_ATTR.RPC_RESPONSE_STATUS_CODE]).toBe('424242');
    }
  });

  it('records a method the server does not handle as -32601 on both sides', async () => {
    const pair = await linkedPair();
    const error = await pair.client
      .complete({
        ref: { type: 'ref/prompt', name: 'summarize' },
        argument: { name: 'a', value: 'b' },
      })
      .catch((e: unknown) => e);
    await pair.close();
    expect(error).toBeInstanceOf(McpError);
    const { client, server } = sides('completion/complete');
    expect(client?.attributes['error.type']).toBe('-32601');
    expect(server?.attributes['error.type']).toBe('-32601');
    expect(server?.attributes[MCP_ATTR.RPC_RESPONSE_STATUS_CODE]).toBe('-32601');
  });

  it('records a request cut off by the transport closing as -32000, without a response status', async () => {
    const server = new McpServer({ name: 'closing', version: '1.0.0' });
    server.registerTool('hang_up', {}, async () => {
      await server.close();
      return { content: [] };
    });
    const client = await connectTo(server);
    const error = await client
      .callTool({ name: 'hang_up', arguments: {} })
      .catch((e: unknown) => e);
    expect((error as McpError).code).toBe(ErrorCode.ConnectionClosed);
    const { client: span } = sides('tools/call hang_up');
    expect(span?.attributes['error.type']).toBe('-32000');
    expect(span?.attributes[MCP_ATTR.RPC_RESPONSE_STATUS_CODE]).toBeUndefined();
  });

  it('records a call on a closed client as its error class', async () => {
    const pair = await linkedPair();
    await pair.close();
    const error = await pair.client.listTools().catch((e: unknown) => e);
    expect((error as Error).message).toBe('Not connected');
    expect(sides('tools/list').client?.attributes['error.type']).toBe('Error');
  });

  it('records a timed-out request as -32001', async () => {
    const server = new McpServer({ name: 'slow', version: '1.0.0' });
    let release: () => void = () => {};
    server.registerTool('slow', {}, async () => {
      await new Promise<void>((r) => {
        release = r;
      });
      return { content: [] };
    });
    const client = await connectTo(server);
    const error = await client
      .callTool({ name: 'slow', arguments: {} }, undefined, { timeout: 20 })
      .catch((e: unknown) => e);
    release();
    await client.close();
    expect((error as McpError).code).toBe(ErrorCode.RequestTimeout);
    expect(sides('tools/call slow').client?.attributes['error.type']).toBe('-32001');
  });
});
