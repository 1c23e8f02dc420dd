import { OpenTelemetry } from '@ai-sdk/otel';
import { generateText } from 'ai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { llmeterTelemetry } from '../src';
import { type Harness, harness } from './helpers';

// Its own file: one llmeter instance per process, here with the newer semconv names.
let h: Harness;
beforeAll(async () => {
  h = await harness({ semconv: 'latest_experimental' });
});
afterAll(async () => {
  await h.close();
});

it("under gen_ai_latest_experimental, llmeter's pipelines hold one gen_ai.client.inference.duration per model call, its own", async () => {
  await generateText({
    model: h.openai.chat('gpt-4o-mini'),
    prompt: 'Say hello',
    telemetry: { integrations: [new OpenTelemetry(), llmeterTelemetry()] },
  });
  const { metrics } = await h.drain();
  expect(metrics.count('gen_ai.client.inference.duration')).toBe(1);
  expect(metrics.count('gen_ai.client.operation.duration')).toBe(0);
});
