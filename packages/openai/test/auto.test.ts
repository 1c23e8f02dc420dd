import { createRequire } from 'node:module';
import { ATTR } from '@llmeter/core';
import {
  disableOpenAIAutoInstrumentation,
  enableOpenAIAutoInstrumentation,
  instrumentOpenAI,
  instrumentOpenAIModule,
} from '@llmeter/openai';
import * as openai7 from 'openai';
import * as openai6 from 'openai6';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, harness, onlySpan } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness({ internalLogLevel: 'silent' });
});
afterAll(async () => {
  await h.close();
});
afterEach(() => {
  disableOpenAIAutoInstrumentation();
});

const BODY = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

describe.each([
  { name: 'openai 7', module: openai7 as any },
  { name: 'openai 6', module: openai6 as any },
])('instrumentOpenAIModule on $name', ({ module }) => {
  const plainClient = () =>
    new module.OpenAI({ apiKey: 'sk-test', baseURL: h.mock.url, maxRetries: 0 });

  it('instruments every client of the module, existing and new', async () => {
    const before = plainClient();
    expect(instrumentOpenAIModule(module)).toBe(true);
    const after = plainClient();
    await before.chat.completions.create(BODY);
    await after.embeddings.create({ model: 'text-embedding-3-small', input: 'x' });
    await after.responses.create({ model: 'gpt-4o-mini', input: 'x' });
    await after.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'x' });
    const { spans } = await h.drain();
    expect(spans.map((s) => s.attributes[ATTR.OPERATION_NAME])).toEqual([
      'chat',
      'embeddings',
      'chat',
      'text_completion',
    ]);
  });

  it('accepts the default export and is idempotent', async () => {
    expect(instrumentOpenAIModule(module.default)).toBe(true);
    expect(instrumentOpenAIModule(module)).toBe(true);
    await plainClient().chat.completions.create(BODY);
    onlySpan((await h.drain()).spans);
  });

  it('counts once when a patched client is also wrapped, and takes its options', async () => {
    instrumentOpenAIModule(module);
    const client = instrumentOpenAI(plainClient(), { provider: 'vllm' });
    await client.chat.completions.create(BODY);
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.PROVIDER_NAME]).toBe('vllm');
  });

  it('counts once when a wrapped client is patched afterwards', async () => {
    const client = instrumentOpenAI(plainClient());
    instrumentOpenAIModule(module);
    await client.chat.completions.create(BODY);
    onlySpan((await h.drain()).spans);
  });

  it('restores the methods when disabled', async () => {
    instrumentOpenAIModule(module);
    disableOpenAIAutoInstrumentation();
    await plainClient().chat.completions.create(BODY);
    expect((await h.drain()).spans).toHaveLength(0);
  });

  it('returns false for something that is not the openai module', () => {
    expect(instrumentOpenAIModule({})).toBe(false);
    expect(instrumentOpenAIModule(undefined)).toBe(false);
  });
});

describe('enableOpenAIAutoInstrumentation', () => {
  it('patches an openai copy that CommonJS loads afterwards', async () => {
    expect(enableOpenAIAutoInstrumentation()).toBe(true);
    // The CommonJS copy is a separate module instance from the ES module one imported above.
    const require = createRequire(import.meta.url);
    const cjs = require('openai');
    expect(cjs.OpenAI).not.toBe(openai7.OpenAI);
    const client = new cjs.OpenAI({ apiKey: 'sk-test', baseURL: h.mock.url, maxRetries: 0 });
    await client.chat.completions.create(BODY);
    onlySpan((await h.drain()).spans);
  });
});
