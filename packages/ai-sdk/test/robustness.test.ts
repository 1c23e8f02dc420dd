import { generateText, isStepCount, streamText } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LLMeterTelemetry, llmeterTelemetry } from '../src';
import { type Harness, harness, waitForSpans, weatherTool } from './helpers';

let h: Harness;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(async () => {
  // The hostile inputs below are reported on llmeter's internal logger: keep the output readable.
  h = await harness({ internalLogLevel: 'silent' });
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  h.mock.reset();
  await h.drain();
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await h.close();
});

const METHODS = [
  'onStart',
  'onLanguageModelCallEnd',
  'onObjectStepStart',
  'onObjectStepEnd',
  'onEmbedStart',
  'onEmbedEnd',
  'onToolExecutionStart',
  'onToolExecutionEnd',
  'onEnd',
  'onAbort',
  'onError',
] as const;

const hostile = new Proxy(
  {},
  {
    get() {
      throw new Error('hostile getter');
    },
  },
);
const GARBAGE: unknown[] = [
  undefined,
  null,
  42,
  'text',
  {},
  { callId: 7 },
  { callId: 'c', operationId: 'ai.generateText', modelId: { no: 1 } },
  { callId: 'c', toolCall: null, toolOutput: 3 },
  { callId: 'c', embedCallId: 'e', usage: { tokens: 'many' } },
  hostile,
];

async function run(telemetry: boolean, extra: Record<string, unknown> = {}) {
  return generateText({
    model: h.openai.chat('gpt-4o-mini'),
    prompt: 'Use the weather tool for Paris',
    tools: { weather: weatherTool() },
    stopWhen: isStepCount(3),
    telemetry: telemetry ? { integrations: [llmeterTelemetry()] } : { isEnabled: false },
    ...extra,
  });
}

describe('robustness', () => {
  it('never throws from an integration method, whatever the event', () => {
    const integration = new LLMeterTelemetry();
    for (const method of METHODS) {
      for (const event of GARBAGE) {
        expect(() => (integration as any)[method](event)).not.toThrow();
      }
    }
  });

  it('never throws when the AI SDK calls the events out of order', () => {
    const integration = new LLMeterTelemetry();
    integration.onEnd({ callId: 'never-started' });
    integration.onToolExecutionEnd({ callId: 'c1', toolCall: { toolCallId: 't' } });
    integration.onStart({ callId: 'c1', operationId: 'ai.generateText', modelId: 'm' });
    integration.onStart({ callId: 'c1', operationId: 'ai.generateText', modelId: 'm' });
    integration.onEmbedEnd({ callId: 'c1', embedCallId: 'x' });
    integration.onError({ callId: 'c1', error: hostile });
    integration.onError({ callId: 'c1', error: new Error('twice') });
    expect(unhandled).toEqual([]);
  });

  it('passes the provider result and error of executeLanguageModelCall through unchanged', async () => {
    const integration = new LLMeterTelemetry();
    const value = { content: [], finishReason: hostile };
    await expect(
      integration.executeLanguageModelCall({ callId: 'x', execute: async () => value }),
    ).resolves.toBe(value);
    const error = new TypeError('provider failed');
    await expect(
      integration.executeLanguageModelCall({ callId: 'x', execute: () => Promise.reject(error) }),
    ).rejects.toBe(error);
    await expect(
      integration.executeTool({
        callId: 'x',
        toolCallId: 't',
        execute: () => Promise.reject(error),
      }),
    ).rejects.toBe(error);
  });

  it('leaves the result of generateText unchanged', async () => {
    const plain = await run(false);
    const measured = await run(true);
    expect(measured.text).toBe(plain.text);
    expect(measured.finishReason).toBe(plain.finishReason);
    expect(measured.totalUsage).toEqual(plain.totalUsage);
    expect(measured.steps.length).toBe(plain.steps.length);
    expect(measured.toolResults.map((r) => r.output)).toEqual(
      plain.toolResults.map((r) => r.output),
    );
    expect(Object.keys(measured.response)).toEqual(Object.keys(plain.response));
    expect(measured.request).toEqual(plain.request);
  });

  it('leaves the parts of streamText unchanged', async () => {
    const parts = async (telemetry: boolean) => {
      const result = streamText({
        model: h.openai('gpt-4o-mini'),
        prompt: 'Use the weather tool for Paris',
        tools: { weather: weatherTool() },
        stopWhen: isStepCount(3),
        telemetry: telemetry ? { integrations: [llmeterTelemetry()] } : { isEnabled: false },
      });
      const types: string[] = [];
      for await (const part of result.fullStream) types.push(part.type);
      return { types, text: await result.text };
    };
    const plain = await parts(false);
    const measured = await parts(true);
    expect(measured).toEqual(plain);
  });

  it("leaves the user's error unchanged", async () => {
    const headers = { 'x-mock-error-status': '429' };
    const plain = await run(false, { maxRetries: 0, headers }).catch((e: unknown) => e);
    const measured = await run(true, { maxRetries: 0, headers }).catch((e: unknown) => e);
    expect(measured).toBeInstanceOf((plain as object).constructor);
    expect((measured as Error).message).toBe((plain as Error).message);
    expect((measured as { statusCode?: number }).statusCode).toBe(429);
  });

  it('leaves no unhandled rejection behind failures and aborts', async () => {
    await run(true, { maxRetries: 0, headers: { 'x-mock-error-status': '500' } }).catch(() => {});
    const controller = new AbortController();
    const stream = streamText({
      model: h.openai.chat('gpt-4o-mini'),
      prompt: 'Say hello',
      abortSignal: controller.signal,
      headers: { 'x-mock-chunks': '30', 'x-mock-chunk-delay-ms': '5' },
      telemetry: { integrations: [llmeterTelemetry()] },
      onError: () => {},
    });
    setTimeout(() => controller.abort(), 20);
    await stream.consumeStream();
    await waitForSpans(h.t, 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unhandled).toEqual([]);
  });

  it('does nothing once switched off, and passes every execute straight through', async () => {
    const integration = new LLMeterTelemetry();
    integration.active = false;
    await generateText({
      model: h.openai.chat('gpt-4o-mini'),
      prompt: 'Say hello',
      telemetry: { integrations: [integration] },
    });
    expect((await h.drain()).spans).toHaveLength(0);
  });
});
