import { FakeListChatModel } from '@langchain/core/utils/testing';
import { ATTR } from '@llmeter/core';
import { LangChainInstrumentation } from '@llmeter/langchain';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

let t: InMemoryLLMeter;
beforeAll(() => {
  t = setupInMemory();
});
afterAll(() => t.shutdown());
afterEach(() => t.reset());

const chatSpans = () => t.spans().filter((s) => s.attributes[ATTR.OPERATION_NAME] === 'chat');

describe('LangChainInstrumentation', () => {
  it('measures every run with no callbacks passed, and disable() stops it', async () => {
    const instrumentation = new LangChainInstrumentation({ agentName: 'bot' });
    expect(instrumentation.isEnabled()).toBe(true);
    const model = new FakeListChatModel({ responses: ['ok'] });
    await model.invoke('hi');
    expect(chatSpans()).toHaveLength(1);
    instrumentation.disable();
    await model.invoke('hi');
    expect(chatSpans()).toHaveLength(1);
  });

  it('is what registerInstrumentations() takes, and enable() after disable() attaches again', async () => {
    const instrumentation = new LangChainInstrumentation({ enabled: false });
    const unregister = registerInstrumentations({ instrumentations: [instrumentation] });
    expect(instrumentation.isEnabled()).toBe(true);
    const model = new FakeListChatModel({ responses: ['ok'] });
    await model.invoke('hi');
    unregister();
    await model.invoke('hi');
    instrumentation.enable();
    await model.invoke('hi');
    instrumentation.disable();
    expect(chatSpans()).toHaveLength(2);
  });

  it('declares the @langchain/core releases it supports', () => {
    const [definition] = new LangChainInstrumentation({ enabled: false }).getModuleDefinitions();
    expect(definition?.name).toBe('@langchain/core');
    expect(definition?.supportedVersions).toEqual(['>=1.0.0 <2']);
  });
});
