import { generateText, streamText } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { llmeterTelemetry } from '../src';
import { byName, type Harness, harness, waitForSpans } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterEach(async () => {
  h.mock.reset();
  await h.drain();
});
afterAll(async () => {
  await h.close();
});

const telemetry = () => ({ integrations: [llmeterTelemetry()] });

function activeRequests(points: { value: any }[]): number {
  return points.reduce((sum, p) => sum + p.value, 0);
}

describe('errors', () => {
  it.each([429, 500])(
    'records an injected %i as a failed chat and a failed agent',
    async (status) => {
      const error = await generateText({
        model: h.openai.chat('gpt-4o-mini'),
        prompt: 'Say hello',
        maxRetries: 0,
        headers: { 'x-mock-error-status': String(status) },
        telemetry: telemetry(),
      }).catch((e: unknown) => e);
      expect((error as { statusCode?: number }).statusCode).toBe(status);

      const { spans, metrics } = await h.drain();
      const [chat] = byName(spans, 'chat');
      const [agent] = byName(spans, 'invoke_agent');
      expect(chat!.attributes['error.type']).toBe(String(status));
      expect(chat!.status.code).toBe(2);
      expect(agent!.attributes['error.type']).toBe(String(status));
      const [duration] = metrics.points('gen_ai.client.operation.duration');
      expect(duration!.attributes['error.type']).toBe(String(status));
      expect(metrics.points('gen_ai.invoke_agent.duration')[0]!.attributes['error.type']).toBe(
        String(status),
      );
      expect(activeRequests(metrics.points('llmeter.client.active_requests'))).toBe(0);
    },
  );

  it('records each retry attempt as its own chat operation', async () => {
    h.mock.setBehavior({ errorStatus: 500, errorTimes: 1 });
    const result = await generateText({
      model: h.openai.chat('gpt-4o-mini'),
      prompt: 'Say hello',
      maxRetries: 1,
      telemetry: telemetry(),
    });
    expect(result.text.length).toBeGreaterThan(0);
    const { spans, metrics } = await h.drain();
    const chats = byName(spans, 'chat');
    expect(chats.map((s) => s.attributes['error.type'])).toEqual(['500', undefined]);
    expect(byName(spans, 'invoke_agent')[0]!.attributes['error.type']).toBeUndefined();
    expect(metrics.count('gen_ai.client.operation.duration')).toBe(2);
  });

  it('records a streamed call whose request fails', async () => {
    const result = streamText({
      model: h.openai.chat('gpt-4o-mini'),
      prompt: 'Say hello',
      maxRetries: 0,
      headers: { 'x-mock-error-status': '429' },
      telemetry: telemetry(),
      onError: () => {},
    });
    await result.consumeStream();
    await waitForSpans(h.t, 2);
    const { spans } = await h.drain();
    expect(byName(spans, 'chat')[0]!.attributes['error.type']).toBe('429');
    expect(byName(spans, 'invoke_agent')[0]!.attributes['error.type']).toBe('429');
  });

  it('records a stream the server cuts off mid-way as failed', async () => {
    const result = streamText({
      model: h.openai.chat('gpt-4o-mini'),
      prompt: 'Say hello',
      maxRetries: 0,
      headers: { 'x-mock-fail-after-chunks': '2', 'x-mock-chunks': '10' },
      telemetry: telemetry(),
      onError: () => {},
    });
    await result.consumeStream();
    await waitForSpans(h.t, 2);
    const { spans, metrics } = await h.drain();
    const [chat] = byName(spans, 'chat');
    expect(chat!.status.code).toBe(2);
    expect(chat!.attributes['error.type']).toBeDefined();
    expect(activeRequests(metrics.points('llmeter.client.active_requests'))).toBe(0);
  });

  it('records an aborted call as AbortError', async () => {
    const controller = new AbortController();
    const pending = generateText({
      model: h.openai.chat('gpt-4o-mini'),
      prompt: 'Say hello',
      maxRetries: 0,
      abortSignal: controller.signal,
      headers: { 'x-mock-hang': '1' },
      telemetry: telemetry(),
    }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 30);
    const error = await pending;
    expect((error as Error).name).toBe('AbortError');
    const { spans, metrics } = await h.drain();
    expect(byName(spans, 'chat')[0]!.attributes['error.type']).toBe('AbortError');
    expect(byName(spans, 'invoke_agent')[0]!.attributes['error.type']).toBe('AbortError');
    expect(activeRequests(metrics.points('llmeter.client.active_requests'))).toBe(0);
  });

  it('records an aborted stream as AbortError', async () => {
    const controller = new AbortController();
    const result = streamText({
      model: h.openai.chat('gpt-4o-mini'),
      prompt: 'Say hello',
      abortSignal: controller.signal,
      headers: { 'x-mock-chunks': '50', 'x-mock-chunk-delay-ms': '10' },
      telemetry: telemetry(),
      onError: () => {},
    });
    setTimeout(() => controller.abort(), 40);
    await result.consumeStream();
    await waitForSpans(h.t, 2);
    const { spans, metrics } = await h.drain();
    const [chat] = byName(spans, 'chat');
    expect(chat!.attributes['llmeter.stream.incomplete']).toBe(true);
    expect(byName(spans, 'invoke_agent')[0]!.attributes['error.type']).toBe('AbortError');
    expect(activeRequests(metrics.points('llmeter.client.active_requests'))).toBe(0);
  });
});
