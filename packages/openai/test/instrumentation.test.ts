import { createRequire } from 'node:module';
import { ATTR } from '@llmeter/core';
import { internalLogger } from '@llmeter/core/internal';
import { disableOpenAIAutoInstrumentation, openAIInstrumentation } from '@llmeter/openai';
import * as openai7 from 'openai';
import * as openai6 from 'openai6';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Harness, harness, onlySpan } from './helpers';

const BODY = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

describe.each([
  { name: 'openai 7', module: openai7 as any },
  { name: 'openai 6', module: openai6 as any },
])('init({ instrumentations: [openAIInstrumentation()] }) on $name', ({ module }) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({
      internalLogLevel: 'silent',
      instrumentations: [openAIInstrumentation({ module })],
    });
  });
  afterAll(async () => {
    disableOpenAIAutoInstrumentation();
    await h.close();
  });

  const plainClient = (OpenAI = module.OpenAI) =>
    new OpenAI({ apiKey: 'sk-test', baseURL: h.mock.url, maxRetries: 0 });

  it('measures every client of the module handed over, with no wrap', async () => {
    await plainClient().chat.completions.create(BODY);
    await plainClient().embeddings.create({ model: 'text-embedding-3-small', input: 'x' });
    const { spans } = await h.drain();
    expect(spans.map((s) => s.attributes[ATTR.OPERATION_NAME])).toEqual(['chat', 'embeddings']);
  });

  it('patches the CommonJS copy loaded after init() through the module hooks', async () => {
    const cjs = createRequire(import.meta.url)(module === openai7 ? 'openai' : 'openai6');
    expect(cjs.OpenAI).not.toBe(module.OpenAI);
    await plainClient(cjs.OpenAI).chat.completions.create(BODY);
    onlySpan((await h.drain()).spans);
  });
});

describe('openAIInstrumentation()', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('names itself for diagnostics and never throws on a module that is not openai', () => {
    const error = vi.spyOn(internalLogger(), 'error').mockImplementation(() => undefined);
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('hostile module');
        },
      },
    );
    const instrumentation = openAIInstrumentation({ module: hostile });
    expect(instrumentation.name).toBe('openai');
    // The hooks still register; the module is skipped and reported, not thrown.
    expect(instrumentation.enable()).toBe(true);
    disableOpenAIAutoInstrumentation();
    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({ site: 'openai.instrumentModule' }),
      expect.any(String),
    );
  });
});
