import { Type } from '@google/genai';
import { ATTR, METRIC, OPERATION } from '@llmeter/core';
import { OPERATION_GENERATE_CONTENT, PROVIDER } from '@llmeter/google-genai';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLASH, type Harness, harness, onlySpan } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness({ captureContent: true });
});
afterAll(async () => {
  await h.close();
});

const WEATHER = {
  functionDeclarations: [
    {
      name: 'get_weather',
      description: 'Weather in a city',
      parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } } },
    },
  ],
};

describe('models.generateContent', () => {
  it('returns the same client, and the SDK response unchanged', async () => {
    const raw = h.raw();
    const client = h.client();
    expect(client).toBeInstanceOf(raw.constructor);
    const plain = await raw.models.generateContent({ model: FLASH, contents: 'hi' });
    const measured = await client.models.generateContent({ model: FLASH, contents: 'hi' });
    expect(measured.constructor).toBe(plain.constructor);
    expect(measured.text).toBe(plain.text);
    expect(Object.keys(measured).sort()).toEqual(Object.keys(plain).sort());
    await h.drain();
  });

  it('records one generate_content span with provider gcp.gemini, request parameters, response id and model', async () => {
    const client = h.client();
    const response = await client.models.generateContent({
      model: FLASH,
      contents: 'Say hi.',
      config: {
        temperature: 0.3,
        topP: 0.9,
        topK: 40,
        maxOutputTokens: 256,
        stopSequences: ['END'],
        candidateCount: 1,
        seed: 7,
        presencePenalty: 0.1,
        frequencyPenalty: 0.2,
        responseMimeType: 'application/json',
      },
    });
    const { spans, metrics } = await h.drain();
    const span = onlySpan(spans);
    expect(span.name).toBe(`generate_content ${FLASH}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    const usage = response.usageMetadata!;
    expect(span.attributes).toMatchObject({
      [ATTR.OPERATION_NAME]: OPERATION_GENERATE_CONTENT,
      [ATTR.PROVIDER_NAME]: PROVIDER.GEMINI,
      [ATTR.REQUEST_MODEL]: FLASH,
      [ATTR.RESPONSE_MODEL]: response.modelVersion,
      [ATTR.RESPONSE_ID]: response.responseId,
      [ATTR.REQUEST_TEMPERATURE]: 0.3,
      [ATTR.REQUEST_TOP_P]: 0.9,
      'gen_ai.request.top_k': 40,
      [ATTR.REQUEST_MAX_TOKENS]: 256,
      [ATTR.REQUEST_STOP_SEQUENCES]: ['END'],
      [ATTR.REQUEST_SEED]: 7,
      [ATTR.REQUEST_PRESENCE_PENALTY]: 0.1,
      [ATTR.REQUEST_FREQUENCY_PENALTY]: 0.2,
      'gen_ai.output.type': 'json',
      [ATTR.RESPONSE_FINISH_REASONS]: ['stop'],
      [ATTR.USAGE_INPUT_TOKENS]: usage.promptTokenCount,
      [ATTR.USAGE_OUTPUT_TOKENS]: usage.candidatesTokenCount,
      [ATTR.SERVER_ADDRESS]: '127.0.0.1',
      [ATTR.SERVER_PORT]: h.mock.port,
    });
    expect(span.attributes[ATTR.LLMETER_COST_USD]).toBeGreaterThan(0);
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(1);
    expect(metrics.count(METRIC.CLIENT_TIME_TO_FIRST_CHUNK)).toBe(0);
    expect(metrics.tokens()).toEqual({
      input: usage.promptTokenCount,
      output: usage.candidatesTokenCount,
    });
    expect(metrics.sum(METRIC.CLIENT_COST)).toBeGreaterThan(0);
  });

  it('names the model without its resource path (models/…)', async () => {
    await h.client().models.generateContent({ model: `models/${FLASH}`, contents: 'hi' });
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.REQUEST_MODEL]).toBe(FLASH);
  });

  it('counts thoughts as output and reasoning, cached content as cache read, tool-use prompt as input', async () => {
    h.mock.setBehavior({ reasoningTokens: 20, cachedTokens: 4 });
    const response = await h.client().models.generateContent({
      model: 'gemini-2.5-pro',
      contents: 'Think about this question very carefully, please.',
    });
    h.mock.reset();
    const usage = response.usageMetadata!;
    const { spans, metrics } = await h.drain();
    const span = onlySpan(spans);
    expect(span.attributes).toMatchObject({
      [ATTR.USAGE_INPUT_TOKENS]: usage.promptTokenCount,
      [ATTR.USAGE_OUTPUT_TOKENS]: usage.candidatesTokenCount! + 20,
      [ATTR.USAGE_REASONING_OUTPUT_TOKENS]: 20,
      [ATTR.USAGE_CACHE_READ_INPUT_TOKENS]: 4,
    });
    expect(metrics.tokens().output).toBe(usage.candidatesTokenCount! + 20);
  });

  it('prices cached content at the cached rate and thoughts as output (gemini-2.5-flash: $0.30 / $0.03 / $2.50 per 1M)', async () => {
    h.mock.setBehavior({
      reply: {
        body: JSON.stringify({
          candidates: [
            { content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP' },
          ],
          usageMetadata: {
            promptTokenCount: 1_000_000,
            cachedContentTokenCount: 400_000,
            candidatesTokenCount: 100_000,
            thoughtsTokenCount: 300_000,
          },
          modelVersion: FLASH,
        }),
      },
    });
    await h.client().models.generateContent({ model: FLASH, contents: 'hi' });
    h.mock.reset();
    const span = onlySpan((await h.drain()).spans);
    // 600k uncached input at 0.30, 400k cached at 0.03, 400k output (candidates + thoughts) at 2.50.
    expect(span.attributes[ATTR.LLMETER_COST_USD]).toBeCloseTo(0.18 + 0.012 + 1.0, 6);
  });

  it('adds tool-use prompt tokens to the input', async () => {
    h.mock.setBehavior({
      reply: {
        body: JSON.stringify({
          candidates: [
            { content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'MAX_TOKENS' },
          ],
          usageMetadata: {
            promptTokenCount: 10,
            toolUsePromptTokenCount: 5,
            candidatesTokenCount: 2,
          },
          modelVersion: FLASH,
        }),
      },
    });
    await h.client().models.generateContent({ model: FLASH, contents: 'hi' });
    h.mock.reset();
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes).toMatchObject({
      [ATTR.USAGE_INPUT_TOKENS]: 15,
      [ATTR.USAGE_OUTPUT_TOKENS]: 2,
      [ATTR.RESPONSE_FINISH_REASONS]: ['max_tokens'],
    });
  });

  it('records prompts, system instruction, tool definitions and function calls when content capture is on', async () => {
    const response = await h.client().models.generateContent({
      model: FLASH,
      contents: 'Use get_weather for Paris.',
      config: { systemInstruction: 'Be brief.', tools: [WEATHER] },
    });
    expect(response.functionCalls?.[0]?.name).toBe('get_weather');
    const span = onlySpan((await h.drain()).spans);
    expect(JSON.parse(String(span.attributes[ATTR.INPUT_MESSAGES]))).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Use get_weather for Paris.' }] },
    ]);
    expect(JSON.parse(String(span.attributes[ATTR.SYSTEM_INSTRUCTIONS]))).toEqual([
      { type: 'text', content: 'Be brief.' },
    ]);
    expect(JSON.parse(String(span.attributes[ATTR.TOOL_DEFINITIONS]))[0]).toMatchObject({
      type: 'function',
      name: 'get_weather',
    });
    expect(JSON.parse(String(span.attributes[ATTR.OUTPUT_MESSAGES]))).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', name: 'get_weather', arguments: { city: 'mock' } }],
        finish_reason: 'stop',
      },
    ]);
  });

  it('records nothing of the content when this client opts out', async () => {
    await h
      .client({ captureContent: false })
      .models.generateContent({ model: FLASH, contents: 'secret' });
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.INPUT_MESSAGES]).toBeUndefined();
    expect(span.attributes[ATTR.OUTPUT_MESSAGES]).toBeUndefined();
  });

  it('records one span per model request under automatic function calling', async () => {
    const tool = {
      tool: async () => WEATHER,
      callTool: async (calls: any[]) =>
        calls.map((c) => ({ functionResponse: { name: c.name, response: { t: 20 } } })),
    };
    const response = await h.client().models.generateContent({
      model: FLASH,
      contents: 'Use get_weather for Paris.',
      config: { tools: [tool as any] },
    });
    expect(response.text).toContain('mock');
    const { spans, metrics } = await h.drain();
    expect(spans).toHaveLength(2);
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(2);
  });

  it('records gcp.vertex_ai for a client in Vertex AI mode', async () => {
    await h
      .client({}, { vertexai: true, apiKey: 'vertex-key' })
      .models.generateContent({ model: FLASH, contents: 'hi' });
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.PROVIDER_NAME]).toBe(PROVIDER.VERTEX_AI);
  });

  it('takes a provider option over the detected one', async () => {
    await h
      .client({ provider: 'my-gateway' })
      .models.generateContent({ model: FLASH, contents: 'hi' });
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.PROVIDER_NAME]).toBe('my-gateway');
  });

  it('wraps nothing twice when instrumented again', async () => {
    const client = h.client();
    instrumentAgain(client);
    await client.models.generateContent({ model: FLASH, contents: 'hi' });
    expect((await h.drain()).spans).toHaveLength(1);
  });
});

describe('models.embedContent', () => {
  it('records an embeddings span with input tokens and the dimension count', async () => {
    const response = await h.client().models.embedContent({
      model: 'gemini-embedding-001',
      contents: ['one two', 'three'],
      config: { outputDimensionality: 4 },
    });
    expect(response.embeddings).toHaveLength(2);
    const { spans, metrics } = await h.drain();
    const span = onlySpan(spans);
    expect(span.name).toBe('embeddings gemini-embedding-001');
    expect(span.attributes).toMatchObject({
      [ATTR.OPERATION_NAME]: OPERATION.EMBEDDINGS,
      [ATTR.PROVIDER_NAME]: PROVIDER.GEMINI,
      'gen_ai.embeddings.dimension.count': 4,
      [ATTR.USAGE_INPUT_TOKENS]: expect.any(Number),
    });
    expect(metrics.tokens().input).toBeGreaterThan(0);
  });
});

import { instrumentGoogleGenAI } from '@llmeter/google-genai';

function instrumentAgain(client: unknown): void {
  instrumentGoogleGenAI(client);
  instrumentGoogleGenAI(client, { captureContent: true });
}
