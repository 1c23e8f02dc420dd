import { OpenTelemetry } from '@ai-sdk/otel';
import { instrumentOpenAI } from '@llmeter/openai';
import { context, trace } from '@opentelemetry/api';
import { generateText, streamText } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { llmeterTelemetry } from '../src';
import { byName, type Harness, harness, parentId, waitForSpans } from './helpers';

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

describe('counted once', () => {
  it("beside the AI SDK's own OpenTelemetry integration: one metric count, one trace", async () => {
    for (const integrations of [
      [new OpenTelemetry(), llmeterTelemetry()],
      [llmeterTelemetry(), new OpenTelemetry()],
    ]) {
      // As in a service: the call runs inside the request's span.
      const request = trace.getTracer('app').startSpan('request');
      await context.with(trace.setSpan(context.active(), request), () =>
        streamText({
          model: h.openai.chat('gpt-4o-mini'),
          prompt: 'Say hello',
          telemetry: { integrations },
        }).consumeStream(),
      );
      request.end();
      await waitForSpans(h.t, 6);
      const { spans, metrics } = await h.drain();
      // llmeter's meter provider is its own, never the global one on which the AI SDK's
      // integration records `gen_ai.client.inference.duration`: llmeter counts the call once.
      expect(metrics.names()).not.toContain('gen_ai.client.inference.duration');
      expect(metrics.count('gen_ai.client.operation.duration')).toBe(1);
      expect(metrics.count('gen_ai.client.operation.time_to_first_chunk')).toBe(1);
      const ours = spans.filter((s) => s.instrumentationScope.name === '@llmeter/core');
      const theirs = spans.filter((s) => s.instrumentationScope.name === 'gen_ai');
      expect(ours.map((s) => s.name).sort()).toEqual([
        'chat gpt-4o-mini',
        'invoke_agent ai.streamText',
      ]);
      expect(theirs.length).toBeGreaterThan(0);
      // One trace: both span trees hang off the request's span, side by side.
      expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
      const requestId = request.spanContext().spanId;
      const roots = spans
        .filter((s) => parentId(s) === requestId)
        .map((s) => s.instrumentationScope.name);
      expect(roots.sort()).toEqual(['@llmeter/core', 'gen_ai']);
    }
  });

  it('a custom provider that calls an instrumented OpenAI client is one chat, not two', async () => {
    const client = instrumentOpenAI(
      new OpenAI({ apiKey: 'sk-test', baseURL: h.mock.url, maxRetries: 0 }),
    );
    const model = new MockLanguageModelV4({
      provider: 'openai.chat',
      modelId: 'gpt-4o-mini',
      doGenerate: async () => {
        const r = await client.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'Say hello' }],
        });
        return {
          content: [{ type: 'text', text: r.choices[0]?.message.content ?? '' }],
          finishReason: { unified: 'stop', raw: 'stop' },
          usage: {
            inputTokens: {
              total: r.usage?.prompt_tokens,
              noCache: undefined,
              cacheRead: undefined,
              cacheWrite: undefined,
            },
            outputTokens: {
              total: r.usage?.completion_tokens,
              text: undefined,
              reasoning: undefined,
            },
          },
          response: { id: r.id, modelId: r.model },
          warnings: [],
        };
      },
    });
    await generateText({
      model,
      prompt: 'Say hello',
      telemetry: { integrations: [llmeterTelemetry()] },
    });
    const { spans, metrics } = await h.drain();
    const chats = byName(spans, 'chat');
    expect(chats).toHaveLength(2);
    // The SDK adapter's span nests under the AI SDK's model call and leaves the metrics to it.
    const outer = chats.find(
      (s) => byName(spans, 'invoke_agent')[0]!.spanContext().spanId === parentId(s),
    );
    const inner = chats.find((s) => s !== outer);
    expect(parentId(inner!)).toBe(outer!.spanContext().spanId);
    expect(metrics.count('gen_ai.client.operation.duration')).toBe(1);
    expect(metrics.points('llmeter.client.cost').length).toBeGreaterThan(0);
  });

  it('@ai-sdk/openai beside an instrumented OpenAI client: each call counted once', async () => {
    const client = instrumentOpenAI(
      new OpenAI({ apiKey: 'sk-test', baseURL: h.mock.url, maxRetries: 0 }),
    );
    await generateText({
      model: h.openai.chat('gpt-4o-mini'),
      prompt: 'Say hello',
      telemetry: { integrations: [llmeterTelemetry()] },
    });
    await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    const { metrics } = await h.drain();
    expect(metrics.count('gen_ai.client.operation.duration')).toBe(2);
  });
});
