import * as genai3 from '@google/genai';
import { ATTR, METRIC } from '@llmeter/core';
import { GoogleGenAIInstrumentation, instrumentGoogleGenAI } from '@llmeter/google-genai';
import * as genai1 from 'genai1';
import * as genai2 from 'genai2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, FLASH, type Harness, harness, waitForSpans } from './helpers';

/** Each major of the declared range `>=1.0.0 <4`: every surface measured once. */
const SDKS = [
  { name: '@google/genai 3', genai: genai3 as any, embeddingUsage: true },
  { name: '@google/genai 2', genai: genai2 as any, embeddingUsage: false },
  { name: '@google/genai 1', genai: genai1 as any, embeddingUsage: false },
];

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h.close();
});

async function everySurface(ai: any): Promise<void> {
  await ai.models.generateContent({ model: FLASH, contents: 'hi' });
  await collect(await ai.models.generateContentStream({ model: FLASH, contents: 'hi' }));
  await ai.models.embedContent({ model: 'gemini-embedding-001', contents: 'hi' });
  await ai.chats.create({ model: FLASH }).sendMessage({ message: 'hi' });
  await collect(await ai.chats.create({ model: FLASH }).sendMessageStream({ message: 'hi' }));
  await waitForSpans(h.t, 5);
}

/** @google/genai before 3 drops `usageMetadata` from embedContent responses: nothing to record. */
async function expectEverySurfaceOnce(embeddingUsage: boolean): Promise<void> {
  const { spans, metrics } = await h.drain();
  expect(spans.map((s) => s.name)).toEqual([
    `generate_content ${FLASH}`,
    `generate_content ${FLASH}`,
    'embeddings gemini-embedding-001',
    `generate_content ${FLASH}`,
    `generate_content ${FLASH}`,
  ]);
  expect(spans.map((s) => s.attributes[ATTR.REQUEST_STREAM] === true)).toEqual([
    false,
    true,
    false,
    false,
    true,
  ]);
  expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(5);
  expect(metrics.count(METRIC.CLIENT_TIME_TO_FIRST_CHUNK)).toBe(2);
  for (const span of spans) {
    if (span.name.startsWith('embeddings') && !embeddingUsage) continue;
    expect(span.attributes[ATTR.USAGE_INPUT_TOKENS], span.name).toBeGreaterThan(0);
  }
}

describe.each(SDKS)('$name', ({ genai, embeddingUsage }) => {
  const client = () => new genai.GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: h.baseUrl } });

  it('instrumentGoogleGenAI() measures every surface once', async () => {
    await everySurface(instrumentGoogleGenAI(client()));
    await expectEverySurfaceOnce(embeddingUsage);
  });

  it('GoogleGenAIInstrumentation measures every surface once, and disable() restores the class', async () => {
    const proto = genai.Models.prototype;
    const before = Object.getOwnPropertyNames(proto).map((name) => proto[name]);
    const instrumentation = new GoogleGenAIInstrumentation({ module: genai });
    await everySurface(client());
    await expectEverySurfaceOnce(embeddingUsage);
    instrumentation.disable();
    expect(Object.getOwnPropertyNames(proto).map((name) => proto[name])).toEqual(before);
  });
});
