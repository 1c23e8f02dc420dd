import { createRequire } from 'node:module';
import { ATTR } from '@llmeter/core';
import { internalLogger } from '@llmeter/core/internal';
import { instrumentOpenAI, OpenAIInstrumentation } from '@llmeter/openai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Harness, harness, onlySpan } from './helpers';

/**
 * `OpenAIInstrumentation` in this process: require-in-the-middle hooks the
 * CommonJS copies of `openai` required after it is enabled (the ES module
 * copies the other suites import are separate module instances, untouched).
 * The ES module paths, `registerInstrumentations()` and `NodeSDK` run in child
 * processes (instrumentation-processes.test.ts).
 */
const BODY = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
const require = createRequire(import.meta.url);

let h: Harness;
let instrumentation: OpenAIInstrumentation;
beforeAll(async () => {
  instrumentation = new OpenAIInstrumentation({ enabled: false });
  h = await harness({ internalLogLevel: 'silent', instrumentations: [instrumentation] });
});
afterAll(async () => {
  instrumentation.disable();
  await h.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe.each([
  { name: 'openai 7', id: 'openai' },
  { name: 'openai 6', id: 'openai6' },
])('OpenAIInstrumentation on $name', ({ id }) => {
  const sdk = () => require(id);
  const plainClient = () =>
    new (sdk().OpenAI)({ apiKey: 'sk-test', baseURL: h.mock.url, maxRetries: 0 });

  it('is enabled by init({ instrumentations }) and measures every client, with no wrap', async () => {
    expect(instrumentation.isEnabled()).toBe(true);
    await plainClient().chat.completions.create(BODY);
    await plainClient().embeddings.create({ model: 'text-embedding-3-small', input: 'x' });
    await plainClient().responses.create({ model: 'gpt-4o-mini', input: 'x' });
    await plainClient().completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'x' });
    const { spans } = await h.drain();
    expect(spans.map((s) => s.attributes[ATTR.OPERATION_NAME])).toEqual([
      'chat',
      'embeddings',
      'chat',
      'text_completion',
    ]);
  });

  it('applies its options to the clients it measures, unless instrumentOpenAI() configured one', async () => {
    instrumentation.setConfig({ provider: 'vllm' });
    try {
      await plainClient().chat.completions.create(BODY);
      expect(onlySpan((await h.drain()).spans).attributes[ATTR.PROVIDER_NAME]).toBe('vllm');
      await instrumentOpenAI(plainClient(), {}).chat.completions.create(BODY);
      expect(onlySpan((await h.drain()).spans).attributes[ATTR.PROVIDER_NAME]).toBe('openai');
    } finally {
      instrumentation.setConfig({});
    }
    await plainClient().chat.completions.create(BODY);
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.PROVIDER_NAME]).toBe('openai');
  });

  it('counts once when a patched client is also wrapped, and takes its options', async () => {
    const client = instrumentOpenAI(plainClient(), { provider: 'vllm' });
    await client.chat.completions.create(BODY);
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.PROVIDER_NAME]).toBe('vllm');
  });

  it('disable() restores the resource methods and the APIPromise prototype, enable() patches again', async () => {
    const { APIPromise, OpenAI } = sdk();
    const proto = APIPromise.prototype;
    await plainClient().chat.completions.create(BODY);
    expect(proto.parse.name).toBe('observedParse');
    onlySpan((await h.drain()).spans);
    instrumentation.disable();
    try {
      expect(proto.parse.name).toBe('parse');
      expect(proto.asResponse.name).toBe('asResponse');
      expect(OpenAI.Chat.Completions.prototype.create.name).toBe('create');
      await plainClient().chat.completions.create(BODY);
      expect((await h.drain()).spans).toHaveLength(0);
    } finally {
      instrumentation.enable();
    }
    await plainClient().chat.completions.create(BODY);
    onlySpan((await h.drain()).spans);
  });
});

describe('OpenAIInstrumentation', () => {
  it('declares the openai releases it supports', () => {
    const [definition] = new OpenAIInstrumentation({ enabled: false }).getModuleDefinitions();
    expect(definition?.name).toBe('openai');
    expect(definition?.supportedVersions).toEqual(['>=6 <8']);
  });

  it('names itself for diagnostics and never throws on a module that is not openai', () => {
    const warn = vi.spyOn(internalLogger(), 'warn').mockImplementation(() => undefined);
    const error = vi.spyOn(internalLogger(), 'error').mockImplementation(() => undefined);
    const spare = new OpenAIInstrumentation({ enabled: false });
    expect(spare.instrumentationName).toBe('@llmeter/openai');
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('hostile module');
        },
      },
    );
    const [definition] = spare.getModuleDefinitions();
    expect(() => definition?.patch?.(hostile)).not.toThrow();
    expect(() => definition?.patch?.({})).not.toThrow();
    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({ site: 'openai.patchModule' }),
      expect.any(String),
    );
    expect(warn).toHaveBeenCalled();
  });
});
