import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { ATTR } from '@llmeter/core';
import { LLMeterCallbackHandler } from '@llmeter/langchain';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { spanNamed } from './helpers';

let t: InMemoryLLMeter;
beforeAll(() => {
  t = setupInMemory({
    captureContent: true,
    redact: (m) => ({
      ...m,
      parts: m.parts.map((p) =>
        p.type === 'text' ? { ...p, content: String(p.content).replace(/\d{4}/g, '####') } : p,
      ),
    }),
  });
});
afterAll(() => t.shutdown());
afterEach(() => t.reset());

const lookup = tool(async ({ id }) => `order ${id} shipped`, {
  name: 'lookup_order',
  schema: z.object({ id: z.string() }),
});

describe('content capture (opt-in, through core)', () => {
  it('prompts and completions in the semconv shape, after the redaction hook', async () => {
    await new FakeListChatModel({ responses: ['card ending 4242 noted'] }).invoke(
      [new SystemMessage('Be terse.'), new HumanMessage('my card is 1234')],
      { callbacks: [new LLMeterCallbackHandler()] },
    );
    const span = t.spans()[0];
    expect(JSON.parse(String(span?.attributes[ATTR.INPUT_MESSAGES]))).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be terse.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'my card is ####' }] },
    ]);
    expect(JSON.parse(String(span?.attributes[ATTR.OUTPUT_MESSAGES]))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'card ending #### noted' }] },
    ]);
  });

  it('tool arguments and results', async () => {
    await lookup.invoke({ id: 'A-1' }, { callbacks: [new LLMeterCallbackHandler()] });
    const span = spanNamed(t.spans(), 'execute_tool lookup_order');
    expect(JSON.parse(String(span.attributes[ATTR.TOOL_CALL_ARGUMENTS]))).toEqual({ id: 'A-1' });
    expect(span.attributes[ATTR.TOOL_CALL_RESULT]).toBe('order A-1 shipped');
  });

  it('captureContent: false on the handler keeps content out even when capture is on', async () => {
    const handler = new LLMeterCallbackHandler({ captureContent: false });
    await new FakeListChatModel({ responses: ['x'] }).invoke('secret', { callbacks: [handler] });
    await lookup.invoke({ id: 'A-2' }, { callbacks: [handler] });
    for (const span of t.spans()) {
      expect(JSON.stringify(span.attributes)).not.toMatch(/secret|A-2/);
    }
  });
});
