import { setupInMemory } from '@llmeter/testing/in-memory';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { linkedPair } from './helpers';

const t = setupInMemory({ captureContent: true });
afterAll(() => t.shutdown());

describe('MCP tool content (opt-in)', () => {
  it('records the tool arguments and result on both spans only with content capture on', async () => {
    const pair = await linkedPair();
    await pair.client.callTool({ name: 'get_weather', arguments: { city: 'Oslo' } });
    await pair.close();
    const spans = t.spans().filter((s) => s.name === 'tools/call get_weather');
    expect(spans.map((s) => s.kind).sort()).toEqual([SpanKind.SERVER, SpanKind.CLIENT].sort());
    for (const span of spans) {
      expect(JSON.parse(String(span.attributes['gen_ai.tool.call.arguments']))).toEqual({
        city: 'Oslo',
      });
      expect(String(span.attributes['gen_ai.tool.call.result'])).toContain('sunny in Oslo');
    }
  });
});
