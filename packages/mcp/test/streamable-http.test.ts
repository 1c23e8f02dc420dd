import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MCP_ATTR } from '@llmeter/core/internal';
import { instrumentMCPClient, instrumentMCPServer } from '@llmeter/mcp';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { context, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { llmeter, parentSpanId, weatherServer } from './helpers';

const t = llmeter();
let http: Server;
let port: number;
let httpSpanId: string | undefined;

beforeAll(async () => {
  const server = instrumentMCPServer(weatherServer());
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID() });
  await server.connect(transport);
  // An HTTP server span around each request, as an HTTP instrumentation would make it.
  const tracer = trace.getTracer('http-test');
  http = createServer((req, res) => {
    const span = tracer.startSpan(`${req.method} /mcp`, { kind: SpanKind.SERVER }, ROOT_CONTEXT);
    if (req.method === 'POST') httpSpanId = span.spanContext().spanId;
    res.on('close', () => span.end());
    context.with(trace.setSpan(ROOT_CONTEXT, span), () => transport.handleRequest(req, res));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  port = (http.address() as AddressInfo).port;
});
afterAll(async () => {
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
  await t.shutdown();
});

describe('an instrumented client and server over streamable HTTP on 127.0.0.1', () => {
  it('continues the client trace on the server and links the HTTP request span', async () => {
    const client = instrumentMCPClient(new Client({ name: 'agent', version: '1.0.0' }));
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)),
    );
    const result = await client.callTool({ name: 'get_weather', arguments: { city: 'Porto' } });
    expect(result.content).toEqual([{ type: 'text', text: 'sunny in Porto' }]);
    await client.close();

    const calls = t.spans().filter((s) => s.name === 'tools/call get_weather');
    const clientSpan = calls.find((s) => s.kind === SpanKind.CLIENT);
    const serverSpan = calls.find((s) => s.kind === SpanKind.SERVER);
    expect(serverSpan?.spanContext().traceId).toBe(clientSpan?.spanContext().traceId);
    expect(parentSpanId(serverSpan!)).toBe(clientSpan?.spanContext().spanId);
    expect(serverSpan?.links.map((l) => l.context.spanId)).toEqual([httpSpanId]);

    expect(clientSpan?.attributes).toMatchObject({
      [MCP_ATTR.NETWORK_TRANSPORT]: 'tcp',
      [MCP_ATTR.NETWORK_PROTOCOL_NAME]: 'http',
      'server.address': '127.0.0.1',
      'server.port': port,
      [MCP_ATTR.SESSION_ID]: expect.any(String),
    });
    expect(serverSpan?.attributes[MCP_ATTR.SESSION_ID]).toBe(
      clientSpan?.attributes[MCP_ATTR.SESSION_ID],
    );
    expect(serverSpan?.attributes[MCP_ATTR.NETWORK_TRANSPORT]).toBe('tcp');
    expect(serverSpan?.attributes['server.address']).toBeUndefined();
  });
});
