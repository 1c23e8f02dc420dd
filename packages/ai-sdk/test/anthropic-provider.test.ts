import { createAnthropic } from '@ai-sdk/anthropic';
import { generateText, streamText } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { llmeterTelemetry } from '../src';
import { byName, type Harness, harness, waitForSpans } from './helpers';

/**
 * The real `@ai-sdk/anthropic` provider against @llmeter/testing's mock of
 * the Anthropic Messages API (JSON and SSE), as an application calls Claude
 * through the AI SDK.
 */
let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterEach(async () => {
  h.mock.setBehavior({ cachedTokens: undefined, cacheWriteTokens: undefined });
  await h.drain();
});
afterAll(async () => {
  await h.close();
});

const claude = () => createAnthropic({ apiKey: 'sk-ant-test', baseURL: h.mock.url });

describe('@ai-sdk/anthropic against the mock Messages API', () => {
  it('records generateText as an anthropic chat with cache-aware usage and cost', async () => {
    h.mock.setBehavior({ cachedTokens: 6, cacheWriteTokens: 2 });
    const result = await generateText({
      model: claude()('claude-sonnet-4-5'),
      prompt: 'Say hello to the cache',
      telemetry: { integrations: [llmeterTelemetry()] },
    });
    expect(result.text.length).toBeGreaterThan(0);
    const { spans, metrics } = await h.drain();
    const chat = byName(spans, 'chat')[0]!;
    expect(chat.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'gen_ai.usage.cache_read.input_tokens': 6,
      'gen_ai.usage.cache_creation.input_tokens': 2,
    });
    expect(chat.attributes['gen_ai.response.finish_reasons']).toEqual(['end_turn']);
    // Input includes the cache reads and writes, as the conventions say for Anthropic.
    expect(Number(chat.attributes['gen_ai.usage.input_tokens'])).toBeGreaterThanOrEqual(8);
    expect(metrics.count('gen_ai.client.operation.duration')).toBe(1);
    expect(metrics.points('llmeter.client.cost').length).toBeGreaterThan(0);
  });

  it('records streamText with time to first chunk and per-chunk timing', async () => {
    const result = streamText({
      model: claude()('claude-sonnet-4-5'),
      prompt: 'Stream a few words',
      telemetry: { integrations: [llmeterTelemetry()] },
    });
    const text = await result.text;
    expect(text.length).toBeGreaterThan(0);
    await waitForSpans(h.t, 2);
    const { spans, metrics } = await h.drain();
    const chat = byName(spans, 'chat')[0]!;
    expect(chat.attributes['gen_ai.provider.name']).toBe('anthropic');
    expect(Number(chat.attributes['gen_ai.usage.output_tokens'])).toBeGreaterThan(0);
    expect(metrics.count('gen_ai.client.operation.time_to_first_chunk')).toBe(1);
    expect(metrics.count('gen_ai.client.operation.time_per_output_chunk')).toBeGreaterThan(0);
  });

  it('records an Anthropic error answer with the HTTP status as error.type, the caller getting the SDK error', async () => {
    h.mock.setBehavior({ errorStatus: 529 });
    try {
      const error = await generateText({
        model: claude()('claude-sonnet-4-5'),
        prompt: 'Overloaded?',
        maxRetries: 0,
        telemetry: { integrations: [llmeterTelemetry()] },
      }).catch((e: unknown) => e);
      expect((error as { statusCode?: number }).statusCode).toBe(529);
    } finally {
      h.mock.setBehavior({ errorStatus: undefined });
    }
    const { spans } = await h.drain();
    expect(byName(spans, 'chat')[0]!.attributes['error.type']).toBe('529');
  });
});
