import { ApiError, GoogleGenAI, type Tool, Type } from '@google/genai';
import { type MockLLM, startMockLLM } from '@llmeter/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

/** The real `@google/genai` SDK against the mock; nothing is mocked in the process. */
let mock: MockLLM;
let origin: string;
beforeAll(async () => {
  mock = await startMockLLM();
  origin = new URL(mock.url).origin;
});
afterEach(() => mock.reset());
afterAll(async () => {
  await mock.close();
});

function client(extra: Record<string, unknown> = {}): GoogleGenAI {
  return new GoogleGenAI({ apiKey: 'gemini-test-key', httpOptions: { baseUrl: origin }, ...extra });
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const WEATHER_TOOL: Tool = {
  functionDeclarations: [
    {
      name: 'get_weather',
      description: 'Weather in a city',
      parameters: {
        type: Type.OBJECT,
        properties: { city: { type: Type.STRING } },
        required: ['city'],
      },
    },
  ],
};

describe('mock LLM: Gemini generateContent', () => {
  it('answers generateContent with text, a finish reason, usage, the model version and a response id', async () => {
    const response = await client().models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Say something.',
    });
    expect(response.text).toBe('This is a reply from the mock LLM.');
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(response.modelVersion).toBe('gemini-2.5-flash');
    expect(response.responseId).toMatch(/mock/);
    expect(response.usageMetadata).toMatchObject({
      candidatesTokenCount: 8,
      totalTokenCount: (response.usageMetadata?.promptTokenCount ?? 0) + 8,
    });
    expect(mock.requests[0]?.path).toBe('/v1/models/gemini-2.5-flash:generateContent');
  });

  it('serves the v1beta path and Vertex AI publisher paths', async () => {
    const beta = await client({ apiVersion: 'v1beta' }).models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'hi',
    });
    expect(beta.text).toContain('mock');
    // Vertex AI in express mode (an API key, no project): the publisher path.
    const vertex = new GoogleGenAI({
      vertexai: true,
      apiKey: 'vertex-key',
      httpOptions: { baseUrl: origin },
    });
    const answer = await vertex.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'hi',
    });
    expect(answer.text).toContain('mock');
    expect(mock.requests.at(-1)?.path).toBe(
      '/v1beta1/publishers/google/models/gemini-2.5-flash:generateContent',
    );
  });

  it('reports thoughts and cached content tokens, and thought parts when asked to include them', async () => {
    mock.setBehavior({ reasoningTokens: 12, cachedTokens: 3 });
    const response = await client().models.generateContent({
      model: 'gemini-2.5-pro',
      contents: 'Think first, please.',
      config: { thinkingConfig: { includeThoughts: true } },
    });
    const usage = response.usageMetadata;
    expect(usage?.thoughtsTokenCount).toBe(12);
    expect(usage?.cachedContentTokenCount).toBe(3);
    expect(usage?.totalTokenCount).toBe((usage?.promptTokenCount ?? 0) + 8 + 12);
    expect(response.candidates?.[0]?.content?.parts?.[0]).toMatchObject({ thought: true });
  });

  it('calls a declared function when the prompt names it, and answers in text after the function response', async () => {
    const ai = client();
    const call = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'What is get_weather in Paris?',
      config: { tools: [WEATHER_TOOL] },
    });
    expect(call.functionCalls).toEqual([{ name: 'get_weather', args: { city: 'mock' } }]);
    const answer = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: [
        { role: 'user', parts: [{ text: 'What is get_weather in Paris?' }] },
        {
          role: 'model',
          parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }],
        },
        {
          role: 'user',
          parts: [{ functionResponse: { name: 'get_weather', response: { t: 20 } } }],
        },
      ],
      config: { tools: [WEATHER_TOOL] },
    });
    expect(answer.functionCalls).toBeUndefined();
    expect(answer.text).toContain('mock');
  });

  it('returns one candidate per candidateCount', async () => {
    const response = await client().models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'hi',
      config: { candidateCount: 2 },
    });
    expect(response.candidates?.map((c) => c.index)).toEqual([0, 1]);
  });
});

describe('mock LLM: Gemini streamGenerateContent (SSE)', () => {
  it('streams one chunk per token, a running usage on each and the finish reason on the last', async () => {
    mock.setBehavior({ chunks: 5 });
    const stream = await client().models.generateContentStream({
      model: 'gemini-2.5-flash',
      contents: 'Count.',
      config: { automaticContinuation: false },
    });
    const chunks = await collect(stream);
    expect(chunks).toHaveLength(5);
    expect(chunks.map((c) => c.text).join('')).toBe('This is a reply from');
    expect(chunks.map((c) => c.usageMetadata?.candidatesTokenCount)).toEqual([1, 2, 3, 4, 5]);
    expect(chunks.slice(0, -1).every((c) => c.candidates?.[0]?.finishReason === undefined)).toBe(
      true,
    );
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(mock.requests[0]?.path).toBe('/v1/models/gemini-2.5-flash:streamGenerateContent');
  });

  it('streams a function call whole, as Gemini does', async () => {
    const stream = await client().models.generateContentStream({
      model: 'gemini-2.5-flash',
      contents: 'Use get_weather.',
      config: { tools: [WEATHER_TOOL], automaticFunctionCalling: { disable: true } },
    });
    const chunks = await collect(stream);
    expect(chunks.flatMap((c) => c.functionCalls ?? [])).toEqual([
      { name: 'get_weather', args: { city: 'mock' } },
    ]);
  });

  it('cuts the stream short when malformed, which the SDK reports as an error', async () => {
    mock.setBehavior({ malformed: true });
    const stream = await client().models.generateContentStream({
      model: 'gemini-2.5-flash',
      contents: 'hi',
      config: { automaticContinuation: false },
    });
    await expect(collect(stream)).rejects.toThrow();
  });

  it('drops the connection after failAfterChunks', async () => {
    mock.setBehavior({ failAfterChunks: 2 });
    const stream = await client().models.generateContentStream({
      model: 'gemini-2.5-flash',
      contents: 'hi',
      config: { automaticContinuation: false },
    });
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) seen.push(chunk);
      })(),
    ).rejects.toThrow();
    expect(seen.length).toBeLessThanOrEqual(2);
  });
});

describe('mock LLM: Gemini embeddings and errors', () => {
  it('answers embedContent through batchEmbedContents, one vector per content, with usage', async () => {
    const response = await client().models.embedContent({
      model: 'gemini-embedding-001',
      contents: ['one', 'two three'],
      config: { outputDimensionality: 4 },
    });
    expect(response.embeddings?.map((e) => e.values?.length)).toEqual([4, 4]);
    expect(mock.requests[0]?.path).toBe('/v1/models/gemini-embedding-001:batchEmbedContents');
  });

  it("injects errors in Google's shape, which the SDK raises as ApiError with the status", async () => {
    mock.setBehavior({ errorStatus: 429 });
    const error = await client()
      .models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(429);
    expect((error as ApiError).message).toContain('RESOURCE_EXHAUSTED');
    const body = JSON.parse((error as ApiError).message);
    expect(body).toEqual({
      error: { code: 429, message: expect.any(String), status: 'RESOURCE_EXHAUSTED' },
    });
  });

  it('answers 500 with INTERNAL, on streams too', async () => {
    mock.setBehavior({ errorStatus: 500 });
    const error = await client()
      .models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'hi' })
      .catch((e: unknown) => e);
    expect((error as ApiError).status).toBe(500);
    expect((error as ApiError).message).toContain('INTERNAL');
  });

  it('takes per-request knobs from headers (httpOptions.headers)', async () => {
    const response = await client().models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'hi',
      config: { httpOptions: { headers: { 'x-mock-content': 'Fixed words here' } } },
    });
    expect(response.text).toBe('Fixed words here');
  });

  it('stalls when asked to hang, until the caller aborts', async () => {
    mock.setBehavior({ hang: true });
    const controller = new AbortController();
    const pending = client().models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'hi',
      config: { abortSignal: controller.signal },
    });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toThrow();
  });
});
