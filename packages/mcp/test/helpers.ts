import { getLLMeter } from '@llmeter/core';
import { instrumentMCPClient, instrumentMCPServer } from '@llmeter/mcp';
import { type InMemoryLLMeter, type ReadableSpan, setupInMemory } from '@llmeter/testing/in-memory';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

/** One in-memory llmeter per test file (init() is process-wide). */
export function llmeter(): InMemoryLLMeter {
  const existing = getLLMeter();
  if (existing) throw new Error('llmeter already initialised in this test process');
  return setupInMemory();
}

/** A small MCP server: a weather tool, a failing tool, an isError tool, a prompt and a resource. */
export function weatherServer(): McpServer {
  const server = new McpServer({ name: 'weather', version: '1.0.0' });
  server.registerTool(
    'get_weather',
    { description: 'Weather for a city', inputSchema: { city: z.string() } },
    async ({ city }) => ({ content: [{ type: 'text', text: `sunny in ${city}` }] }),
  );
  server.registerTool('explode', { description: 'Always throws' }, async () => {
    throw new Error('tool exploded');
  });
  server.registerTool('refuse', { description: 'Reports an error' }, async () => ({
    isError: true,
    content: [{ type: 'text', text: 'not allowed' }],
  }));
  server.registerPrompt('summarize', { description: 'Summarize' }, () => ({
    messages: [{ role: 'user', content: { type: 'text', text: 'Summarize this.' } }],
  }));
  server.registerResource(
    'readme',
    'file:///readme.md',
    { mimeType: 'text/markdown' },
    async () => ({
      contents: [{ uri: 'file:///readme.md', text: '# hello' }],
    }),
  );
  return server;
}

/** An instrumented client connected to an instrumented server over the linked in-memory pair. */
export async function linkedPair(
  options: { instrumentClient?: boolean; instrumentServer?: boolean; server?: McpServer } = {},
): Promise<{ client: Client; server: McpServer; close(): Promise<void> }> {
  const server = options.server ?? weatherServer();
  if (options.instrumentServer !== false) instrumentMCPServer(server);
  const client = new Client({ name: 'agent', version: '1.0.0' });
  if (options.instrumentClient !== false) instrumentMCPClient(client);
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  await client.connect(clientTransport);
  return {
    client,
    server,
    async close() {
      await client.close();
      await server.close();
    },
  };
}

/** An instrumented client connected to `server` (instrumented too) over a new linked pair. */
export async function connectTo(server: McpServer): Promise<Client> {
  instrumentMCPServer(server);
  const client = instrumentMCPClient(new Client({ name: 'c', version: '1' }));
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  await client.connect(clientTransport);
  return client;
}

export function byName(spans: readonly ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((s) => s.name === name);
}

export function parentSpanId(span: ReadableSpan): string | undefined {
  const s = span as unknown as {
    parentSpanContext?: { spanId: string };
    parentSpanId?: string;
  };
  return s.parentSpanContext?.spanId ?? s.parentSpanId;
}

/** Histogram data points of one instrument in one collection. */
export async function histogram(t: InMemoryLLMeter, name: string) {
  const collected = await t.collectMetrics();
  const data = t.metric(collected, name);
  return (data?.dataPoints ?? []) as Array<{
    attributes: Record<string, unknown>;
    value: { count: number; sum?: number };
  }>;
}
