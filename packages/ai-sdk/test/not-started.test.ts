import { createOpenAI } from '@ai-sdk/openai';
import { type MockLLM, startMockLLM } from '@llmeter/testing';
import { generateText, streamText } from 'ai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { llmeterTelemetry, registerLLMeterTelemetry } from '../src';

// No init() in this file: llmeter has not started.
let mock: MockLLM;
beforeAll(async () => {
  mock = await startMockLLM();
});
afterAll(async () => {
  await mock.close();
});

it('passes every call straight through before init()', async () => {
  const openai = createOpenAI({ apiKey: 'sk-test', baseURL: mock.url });
  registerLLMeterTelemetry();
  const generated = await generateText({ model: openai.chat('gpt-4o-mini'), prompt: 'hi' });
  expect(generated.text.length).toBeGreaterThan(0);
  const streamed = streamText({
    model: openai.chat('gpt-4o-mini'),
    prompt: 'hi',
    telemetry: { integrations: [llmeterTelemetry()] },
  });
  expect((await streamed.text).length).toBeGreaterThan(0);
});
