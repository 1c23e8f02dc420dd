import { getLLMeter } from '@llmeter/core';
import { describe, expect, it } from 'vitest';
import { linkedPair, weatherServer } from './helpers';

// No init() in this file (each test file runs in its own process): llmeter is off.
describe('before init(), or with llmeter disabled', () => {
  it('calls straight through: same results, nothing injected into _meta', async () => {
    expect(getLLMeter()).toBeUndefined();
    const server = weatherServer();
    let meta: unknown = 'unset';
    server.registerTool('meta', {}, async (extra) => {
      meta = extra._meta;
      return { content: [] };
    });
    const pair = await linkedPair({ server });
    const result = await pair.client.callTool({ name: 'get_weather', arguments: { city: 'Oslo' } });
    await pair.client.callTool({ name: 'meta', arguments: {} });
    await pair.close();
    expect(result.content).toEqual([{ type: 'text', text: 'sunny in Oslo' }]);
    expect(meta).toBeUndefined();
  });
});
