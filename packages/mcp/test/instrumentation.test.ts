import { MCPInstrumentation } from '@llmeter/mcp';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import * as protocolModule from '@modelcontextprotocol/sdk/shared/protocol.js';
import { SpanKind } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { afterAll, describe, expect, it } from 'vitest';
import { llmeter, parentSpanId, weatherServer } from './helpers';

const t = llmeter();
afterAll(() => t.shutdown());

const { Protocol } = protocolModule;
const originals = {
  request: Protocol.prototype.request,
  connect: Protocol.prototype.connect,
  setRequestHandler: Protocol.prototype.setRequestHandler,
};

/** A client and server nobody instrumented by hand. */
async function plainPair() {
  const server = weatherServer();
  const client = new Client({ name: 'agent', version: '1.0.0' });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  await client.connect(a);
  return {
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

describe('MCPInstrumentation (the OpenTelemetry form)', () => {
  const instrumentation = new MCPInstrumentation({ enabled: false });

  it('declares the SDK module, its Protocol files and a supported version range', () => {
    const [definition] = (
      instrumentation as unknown as { getModuleDefinitions(): any[] }
    ).getModuleDefinitions();
    expect(definition.name).toBe('@modelcontextprotocol/sdk');
    expect(definition.supportedVersions).toEqual(['>=1.10.0 <2']);
    expect(definition.files.map((f: { name: string }) => f.name)).toEqual([
      '@modelcontextprotocol/sdk/dist/cjs/shared/protocol.js',
      '@modelcontextprotocol/sdk/dist/esm/shared/protocol.js',
    ]);
    expect(instrumentation.name).toBe('mcp');
  });

  let unregister: () => void = () => {};

  it('instruments every Client and Server once enabled (registerInstrumentations)', async () => {
    unregister = registerInstrumentations({ instrumentations: [instrumentation] });
    expect(instrumentation.isEnabled()).toBe(true);
    // enable() loads and patches the SDK's protocol module itself (both formats).
    for (let i = 0; i < 200 && Protocol.prototype.request === originals.request; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(Protocol.prototype.request).not.toBe(originals.request);
    const pair = await plainPair();
    await pair.client.callTool({ name: 'get_weather', arguments: { city: 'Oslo' } });
    await pair.close();
    const calls = t.spans().filter((s) => s.name === 'tools/call get_weather');
    const client = calls.find((s) => s.kind === SpanKind.CLIENT);
    const server = calls.find((s) => s.kind === SpanKind.SERVER);
    expect(calls).toHaveLength(2);
    expect(parentSpanId(server!)).toBe(client?.spanContext().spanId);
  });

  it('disabling restores the prototype, and wrapped handlers pass straight through', async () => {
    const pair = await plainPair(); // created while enabled: its handlers are wrapped
    unregister(); // disable()
    expect(Protocol.prototype.request).toBe(originals.request);
    expect(Protocol.prototype.connect).toBe(originals.connect);
    expect(Protocol.prototype.setRequestHandler).toBe(originals.setRequestHandler);
    t.reset();
    const result = await pair.client.callTool({ name: 'get_weather', arguments: { city: 'Rome' } });
    await pair.close();
    expect(result.content).toEqual([{ type: 'text', text: 'sunny in Rome' }]);
    expect(t.spans()).toEqual([]);
  });
});
