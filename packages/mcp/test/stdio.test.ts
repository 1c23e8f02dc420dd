import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MCP_ATTR, MCP_METRIC } from '@llmeter/core/internal';
import { instrumentMCPClient } from '@llmeter/mcp';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { histogram, llmeter } from './helpers';

/**
 * The server in a child process on stdio (the built dist of @llmeter/core and
 * @llmeter/mcp: build them first), its spans written to a file as they end.
 */
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const NODE = here('../../../node_modules/.bin/node');
const t = llmeter();
let dir: string;

beforeAll(() => {
  for (const dist of ['../dist/index.js', '../../core/dist/index.js']) {
    if (!existsSync(here(dist))) throw new Error(`${dist} is missing: build core and mcp first`);
  }
  dir = mkdtempSync(join(tmpdir(), 'llmeter-mcp-'));
});
afterAll(async () => {
  await t.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

interface RemoteSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
}

async function remoteSpans(file: string, name: string): Promise<RemoteSpan[]> {
  for (let i = 0; i < 100; i++) {
    const lines = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
    const spans = lines.filter(Boolean).map((l) => JSON.parse(l) as RemoteSpan);
    if (spans.some((s) => s.name === name)) return spans;
    await new Promise((r) => setTimeout(r, 50));
  }
  return [];
}

describe('an instrumented client and an instrumented server in another process (stdio)', () => {
  it('shows one trace across the process boundary', async () => {
    const spansFile = join(dir, 'server-spans.jsonl');
    const client = instrumentMCPClient(new Client({ name: 'agent', version: '1.0.0' }));
    const transport = new StdioClientTransport({
      command: NODE,
      args: [here('./fixtures/stdio-server.mjs')],
      cwd: here('./fixtures'),
      env: { ...(process.env as Record<string, string>), SPANS_FILE: spansFile },
      stderr: 'inherit',
    });
    await client.connect(transport);
    const result = await client.callTool({ name: 'get_weather', arguments: { city: 'Bergen' } });
    expect(result.content).toEqual([{ type: 'text', text: 'sunny in Bergen' }]);
    const server = (await remoteSpans(spansFile, 'tools/call get_weather')).find(
      (s) => s.name === 'tools/call get_weather',
    );
    await client.close();

    const local = t.spans().find((s) => s.name === 'tools/call get_weather');
    expect(local?.kind).toBe(SpanKind.CLIENT);
    expect(local?.attributes[MCP_ATTR.NETWORK_TRANSPORT]).toBe('pipe');
    expect(server?.kind).toBe(SpanKind.SERVER);
    expect(server?.traceId).toBe(local?.spanContext().traceId);
    expect(server?.parentSpanId).toBe(local?.spanContext().spanId);
    expect(server?.attributes[MCP_ATTR.NETWORK_TRANSPORT]).toBe('pipe');
    expect(server?.attributes[MCP_ATTR.PROTOCOL_VERSION]).toBe(
      local?.attributes[MCP_ATTR.PROTOCOL_VERSION],
    );

    const sessions = await histogram(t, MCP_METRIC.CLIENT_SESSION_DURATION);
    expect(sessions).toHaveLength(1);
    expect(sessions[0].attributes).toMatchObject({
      [MCP_ATTR.NETWORK_TRANSPORT]: 'pipe',
      [MCP_ATTR.PROTOCOL_VERSION]: expect.any(String),
    });
  });
});
