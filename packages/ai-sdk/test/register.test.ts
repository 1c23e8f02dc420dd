import { generateText } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { aiSdkInstrumentation, llmeterTelemetry, registerLLMeterTelemetry } from '../src';
import { byName, type Harness, harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.drain();
});
afterAll(async () => {
  await h.close();
});

const ask = (extra: Record<string, unknown> = {}) =>
  generateText({ model: h.openai.chat('gpt-4o-mini'), prompt: 'Say hello', ...extra });

// One process-wide registry: these run in order and build on each other.
describe('turning it on', () => {
  it('records nothing before it is registered', async () => {
    await ask();
    const { spans, metrics } = await h.drain();
    expect(spans).toHaveLength(0);
    expect(metrics.count('gen_ai.client.operation.duration')).toBe(0);
  });

  it('records every call once registerLLMeterTelemetry() ran', async () => {
    registerLLMeterTelemetry();
    await ask();
    await ask();
    const { spans, metrics } = await h.drain();
    expect(byName(spans, 'chat')).toHaveLength(2);
    expect(metrics.count('gen_ai.client.operation.duration')).toBe(2);
  });

  it('registers one integration however often it is called (counted once)', async () => {
    registerLLMeterTelemetry();
    registerLLMeterTelemetry({ agentName: 'assistant' });
    await ask();
    const { spans, metrics } = await h.drain();
    expect(byName(spans, 'chat')).toHaveLength(1);
    expect(metrics.count('gen_ai.client.operation.duration')).toBe(1);
    expect(byName(spans, 'invoke_agent')[0]!.name).toBe('invoke_agent assistant');
  });

  it('counts a call once when a per-call llmeter integration is given too', async () => {
    await ask({ telemetry: { integrations: [llmeterTelemetry(), llmeterTelemetry()] } });
    const { spans, metrics } = await h.drain();
    expect(byName(spans, 'chat')).toHaveLength(1);
    expect(byName(spans, 'invoke_agent')).toHaveLength(1);
    expect(metrics.count('gen_ai.client.operation.duration')).toBe(1);
  });

  it('records nothing for a call with telemetry.isEnabled false', async () => {
    await ask({ telemetry: { isEnabled: false } });
    const { spans } = await h.drain();
    expect(spans).toHaveLength(0);
  });

  it('records nothing once switched off, and again once registered again', async () => {
    const off = registerLLMeterTelemetry();
    off();
    await ask();
    expect((await h.drain()).spans).toHaveLength(0);
    registerLLMeterTelemetry();
    await ask();
    expect(byName((await h.drain()).spans, 'chat')).toHaveLength(1);
  });

  it('aiSdkInstrumentation() registers it from init({ instrumentations })', () => {
    const instrumentation = aiSdkInstrumentation();
    expect(instrumentation.name).toBe('ai-sdk');
    expect(instrumentation.enable()).toBe(true);
    const registered = (globalThis as any).AI_SDK_TELEMETRY_INTEGRATIONS as unknown[];
    expect(registered.filter((i) => i?.constructor?.name === 'LLMeterTelemetry')).toHaveLength(1);
  });
});
