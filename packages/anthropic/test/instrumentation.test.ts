import { createRequire } from 'node:module';
import { AnthropicInstrumentation, instrumentAnthropic } from '@llmeter/anthropic';
import { ATTR, METRIC } from '@llmeter/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };
import { INSTRUMENTATION_VERSION, SUPPORTED_VERSIONS } from '../src/constants';
import { BODY, type Harness, harness, onlySpan } from './helpers';

/**
 * `AnthropicInstrumentation` hooks `require` (require-in-the-middle): the SDK
 * copies are loaded after it is enabled, through createRequire, as a CommonJS
 * application loads them. ES modules are covered in esm-cjs.test.ts.
 */
const require = createRequire(import.meta.url);

let h: Harness;
let instrumentation: AnthropicInstrumentation;
beforeAll(async () => {
  h = await harness({ internalLogLevel: 'silent' });
  instrumentation = new AnthropicInstrumentation();
});
afterAll(async () => {
  instrumentation.disable();
  await h.close();
});

describe.each([
  { name: '@anthropic-ai/sdk 1', id: '@anthropic-ai/sdk' },
  { name: '@anthropic-ai/sdk 0', id: 'anthropic0' },
])('AnthropicInstrumentation on $name', ({ id }) => {
  const load = () => require(id);
  const plain = (sdk: any) =>
    new sdk.Anthropic({ apiKey: 'sk-ant-test', baseURL: h.baseURL, maxRetries: 0 });

  it('declares its name, version and supported range', () => {
    expect(instrumentation.instrumentationName).toBe('@llmeter/anthropic');
    expect(INSTRUMENTATION_VERSION).toBe(packageJson.version);
    expect(SUPPORTED_VERSIONS).toEqual([packageJson.peerDependencies['@anthropic-ai/sdk']]);
  });

  it('measures every client of the SDK loaded after enable(), with no wrap', async () => {
    instrumentation.enable();
    const sdk = load();
    const client = plain(sdk);
    const message = await client.messages.create(BODY);
    await client.beta.messages.create(BODY);
    const { spans, metrics } = await h.drain();
    expect(spans.map((s) => s.attributes[ATTR.PROVIDER_NAME])).toEqual(['anthropic', 'anthropic']);
    expect(spans[0]?.attributes[ATTR.RESPONSE_ID]).toBe(message.id);
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(2);
  });

  it('with instrumentAnthropic() on the same client: measured once, with its options', async () => {
    const client = instrumentAnthropic(plain(load()), { provider: 'gateway' });
    await client.messages.create(BODY);
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.PROVIDER_NAME]).toBe('gateway');
  });

  it('measures the stream helper once, with the SDK span replaced', async () => {
    const client = plain(load());
    await client.messages.stream(BODY).finalMessage();
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.REQUEST_STREAM]).toBe(true);
  });

  it('disable() restores every patched method and the SDK its own span; enable() patches again', async () => {
    const sdk = load();
    const proto = sdk.Anthropic.Messages.prototype;
    const patched = proto.create;
    const client = plain(sdk);
    await client.messages.create(BODY);
    await h.drain();
    expect(sdk.APIPromise.prototype.parse.name).toBe('observedParse');

    instrumentation.disable();
    expect(proto.create).not.toBe(patched);
    expect(proto.create.name).toBe('create');
    expect(sdk.Anthropic.Beta.Messages.prototype.stream.name).toBe('stream');
    expect(sdk.APIPromise.prototype.parse.name).toBe('parse');
    await client.messages.create(BODY);
    const off = await h.drain();
    // Not measured, and the SDK traces the call itself again (this client's tracer was wrapped).
    expect(off.spans.map((s) => s.name)).toEqual(['anthropic.messages.create']);
    expect(off.metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(0);

    instrumentation.enable();
    expect(proto.create).not.toBe(patched);
    expect(proto.create.name).toBe('create');
    await client.messages.create(BODY);
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.OPERATION_NAME]).toBe('chat');
  });
});
