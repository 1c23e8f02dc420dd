import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, streamText } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { llmeterTelemetry } from '../src';
import { providerName } from '../src/settings';
import { byName, type Harness, harness, waitForSpans } from './helpers';

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

describe('provider names', () => {
  it.each([
    ['openai.chat', 'openai'],
    ['openai.responses', 'openai'],
    ['openai.embedding', 'openai'],
    ['anthropic.messages', 'anthropic'],
    ['google.generative-ai', 'gcp.gemini'],
    ['google.vertex.chat', 'gcp.vertex_ai'],
    ['google.vertex.anthropic.messages', 'gcp.vertex_ai'],
    ['amazon-bedrock', 'aws.bedrock'],
    ['azure.chat', 'azure.ai.openai'],
    ['mistral.chat', 'mistral_ai'],
    ['xai.chat', 'x_ai'],
    ['vllm.chat', 'vllm'],
  ])('maps the AI SDK provider id %s to %s', (id, name) => {
    expect(providerName(id, {})).toBe(name);
  });

  it('takes the provider option over the mapped name', () => {
    expect(providerName('openai.chat', { provider: 'my-gateway' })).toBe('my-gateway');
  });

  it('names an OpenAI-compatible provider by its name', async () => {
    const vllm = createOpenAICompatible({ name: 'vllm', baseURL: h.mock.url, apiKey: 'x' });
    await generateText({
      model: vllm.chatModel('llama-3.1-8b'),
      prompt: 'Say hello',
      telemetry: { integrations: [llmeterTelemetry()] },
    });
    const { spans, metrics } = await h.drain();
    expect(byName(spans, 'chat')[0]!.attributes['gen_ai.provider.name']).toBe('vllm');
    expect(metrics.points('gen_ai.client.operation.duration')[0]!.attributes).toMatchObject({
      'gen_ai.provider.name': 'vllm',
      'gen_ai.request.model': 'llama-3.1-8b',
    });
  });

  it('records an Anthropic model with its cache tokens and raw finish reason', async () => {
    const model = new MockLanguageModelV4({
      provider: 'anthropic.messages',
      modelId: 'claude-sonnet-4-5',
      doGenerate: {
        content: [{ type: 'text', text: 'hi' }],
        finishReason: { unified: 'stop', raw: 'end_turn' },
        usage: {
          inputTokens: { total: 30, noCache: 10, cacheRead: 15, cacheWrite: 5 },
          outputTokens: { total: 12, text: 8, reasoning: 4 },
        },
        response: { id: 'msg_1', modelId: 'claude-sonnet-4-5-20250929' },
        warnings: [],
      },
    });
    await generateText({
      model,
      prompt: 'Say hello',
      telemetry: { integrations: [llmeterTelemetry()] },
    });
    const { spans } = await h.drain();
    expect(byName(spans, 'chat')[0]!.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'gen_ai.response.model': 'claude-sonnet-4-5-20250929',
      'gen_ai.response.id': 'msg_1',
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': 30,
      'gen_ai.usage.output_tokens': 12,
      'gen_ai.usage.cache_read.input_tokens': 15,
      'gen_ai.usage.cache_creation.input_tokens': 5,
      'gen_ai.usage.reasoning.output_tokens': 4,
    });
  });
});

describe('a provider stream read part by part', () => {
  const streamOf = (parts: unknown[]) =>
    new ReadableStream({
      start(controller) {
        for (const part of parts) controller.enqueue(part);
        controller.close();
      },
    });
  const usage = {
    inputTokens: { total: 9, noCache: 9, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: 3, text: 3, reasoning: undefined },
  };

  it('times the output parts and reads response metadata and finish', async () => {
    const model = new MockLanguageModelV4({
      provider: 'mistral.chat',
      modelId: 'mistral-small',
      doStream: async () => ({
        stream: streamOf([
          { type: 'stream-start', warnings: [] },
          { type: 'response-metadata', id: 'r-1', modelId: 'mistral-small-2501' },
          { type: 'text-start', id: 't' },
          { type: 'text-delta', id: 't', delta: 'a' },
          { type: 'text-delta', id: 't', delta: '' },
          { type: 'text-delta', id: 't', delta: 'b' },
          { type: 'text-delta', id: 't', delta: 'c' },
          { type: 'text-end', id: 't' },
          { type: 'finish', finishReason: { unified: 'length', raw: undefined }, usage },
        ]),
      }),
    });
    const result = streamText({
      model,
      prompt: 'hi',
      telemetry: { integrations: [llmeterTelemetry()] },
    });
    expect(await result.text).toBe('abc');
    await waitForSpans(h.t, 2);
    const { spans, metrics } = await h.drain();
    expect(byName(spans, 'chat')[0]!.attributes).toMatchObject({
      'gen_ai.provider.name': 'mistral_ai',
      'gen_ai.response.model': 'mistral-small-2501',
      'gen_ai.response.id': 'r-1',
      'gen_ai.response.finish_reasons': ['length'],
      'gen_ai.usage.input_tokens': 9,
      'gen_ai.usage.output_tokens': 3,
      'llmeter.stream.chunks': 3,
    });
    expect(metrics.count('gen_ai.client.operation.time_per_output_chunk')).toBe(2);
  });

  it('fails the operation on an error part', async () => {
    const model = new MockLanguageModelV4({
      provider: 'groq.chat',
      modelId: 'llama',
      doStream: async () => ({
        stream: streamOf([
          { type: 'text-start', id: 't' },
          { type: 'text-delta', id: 't', delta: 'a' },
          { type: 'error', error: new RangeError('upstream broke') },
        ]),
      }),
    });
    const result = streamText({
      model,
      prompt: 'hi',
      telemetry: { integrations: [llmeterTelemetry()] },
      onError: () => {},
    });
    await result.consumeStream();
    await waitForSpans(h.t, 2);
    const { spans } = await h.drain();
    const [chat] = byName(spans, 'chat');
    expect(chat!.attributes['error.type']).toBe('RangeError');
    expect(chat!.attributes['llmeter.stream.incomplete']).toBe(true);
  });
});
