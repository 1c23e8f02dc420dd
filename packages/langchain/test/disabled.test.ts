import { FakeListChatModel } from '@langchain/core/utils/testing';
import { getRecorder } from '@llmeter/core/internal';
import { attachLLMeterGlobally, LLMeterCallbackHandler } from '@llmeter/langchain';
import { describe, expect, it } from 'vitest';
import { trackedRunCount } from '../src/run-store';

// No init() in this file: llmeter is off, the handler must be a cheap no-op.
describe('before init() (or with llmeter disabled)', () => {
  it('the handler passes runs through untouched and keeps no state', async () => {
    expect(getRecorder().enabled).toBe(false);
    const handler = new LLMeterCallbackHandler();
    const reply = await new FakeListChatModel({ responses: ['ok'] }).invoke('hi', {
      callbacks: [handler],
    });
    expect(reply.content).toBe('ok');
    expect(handler.openRuns).toBe(0);
    expect(trackedRunCount()).toBe(0);
  });

  it('attaching globally works before init() too', async () => {
    const handler = attachLLMeterGlobally();
    await new FakeListChatModel({ responses: ['ok'] }).invoke('hi');
    expect(handler.openRuns).toBe(0);
  });
});
