import { ATTR, METRIC } from '@llmeter/core';
import { instrumentOpenAI } from '@llmeter/openai';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, harness, onlyLogLine, onlySpan, SDKS } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness({ captureContent: true });
});
afterAll(async () => {
  await h.close();
});

const MESSAGES = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'Say hello.' },
];

describe.each(SDKS)('chat.completions on $name', (sdk) => {
  it('records the span, metrics, cost and log line of a non-streaming call', async () => {
    const client = h.client(sdk);
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: MESSAGES,
      max_tokens: 64,
      temperature: 0.2,
      top_p: 0.9,
      stop: ['\n\n'],
      seed: 7,
      n: 1,
    });
    expect(completion.choices[0].message.content).toBeTruthy();

    const { spans, metrics } = await h.drain();
    const span = onlySpan(spans);
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toMatchObject({
      [ATTR.OPERATION_NAME]: 'chat',
      [ATTR.PROVIDER_NAME]: 'openai',
      [ATTR.REQUEST_MODEL]: 'gpt-4o-mini',
      [ATTR.RESPONSE_MODEL]: completion.model,
      [ATTR.RESPONSE_ID]: completion.id,
      [ATTR.SERVER_ADDRESS]: '127.0.0.1',
      [ATTR.SERVER_PORT]: h.mock.port,
      [ATTR.REQUEST_MAX_TOKENS]: 64,
      [ATTR.REQUEST_TEMPERATURE]: 0.2,
      [ATTR.REQUEST_TOP_P]: 0.9,
      [ATTR.REQUEST_STOP_SEQUENCES]: ['\n\n'],
      [ATTR.REQUEST_SEED]: 7,
      [ATTR.REQUEST_CHOICE_COUNT]: 1,
      [ATTR.REQUEST_STREAM]: false,
      [ATTR.RESPONSE_FINISH_REASONS]: ['stop'],
      [ATTR.USAGE_INPUT_TOKENS]: completion.usage.prompt_tokens,
      [ATTR.USAGE_OUTPUT_TOKENS]: completion.usage.completion_tokens,
      'openai.response.system_fingerprint': 'fp_mock',
      'openai.response.service_tier': 'default',
    });
    expect(span.attributes[ATTR.LLMETER_COST_USD]).toBeGreaterThan(0);
    expect(span.attributes[ATTR.RESPONSE_TIME_TO_FIRST_CHUNK]).toBeUndefined();

    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(1);
    expect(metrics.count(METRIC.CLIENT_TIME_TO_FIRST_CHUNK)).toBe(0);
    expect(metrics.tokens()).toEqual({
      input: completion.usage.prompt_tokens,
      output: completion.usage.completion_tokens,
    });
    expect(metrics.sum(METRIC.CLIENT_COST)).toBeGreaterThan(0);
    const duration = metrics.points(METRIC.CLIENT_OPERATION_DURATION)[0]!;
    expect(duration.attributes).toMatchObject({
      [ATTR.OPERATION_NAME]: 'chat',
      [ATTR.PROVIDER_NAME]: 'openai',
      [ATTR.REQUEST_MODEL]: 'gpt-4o-mini',
      [ATTR.RESPONSE_MODEL]: completion.model,
      [ATTR.SERVER_ADDRESS]: '127.0.0.1',
      [ATTR.SERVER_PORT]: h.mock.port,
    });
  });

  it('writes one llm_call_completed line with tokens and cost', async () => {
    const client = h.client(sdk);
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: MESSAGES,
    });
    const { spans, logLines } = await h.drain();
    const line = onlyLogLine(logLines, onlySpan(spans));
    expect(line).toMatchObject({
      operation: 'chat',
      provider: 'openai',
      request_model: 'gpt-4o-mini',
      response_model: completion.model,
      input_tokens: completion.usage.prompt_tokens,
      output_tokens: completion.usage.completion_tokens,
      finish_reasons: ['stop'],
      stream: false,
    });
    expect(line.cost_usd).toBeGreaterThan(0);
  });

  it('records prompts, replies and tool calls as semconv messages when content capture is on', async () => {
    const client = h.client(sdk);
    const tools = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
        },
      },
    ];
    const first = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Use the tool for Paris.' }],
      tools,
      tool_choice: 'required',
    });
    const call = first.choices[0].message.tool_calls[0];
    await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'user', content: 'Use the tool for Paris.' },
        first.choices[0].message,
        { role: 'tool', tool_call_id: call.id, content: '21 degrees' },
      ],
      tools,
    });
    const { spans } = await h.drain();
    expect(spans).toHaveLength(2);
    const [callSpan, answerSpan] = spans;
    expect(callSpan!.attributes[ATTR.RESPONSE_FINISH_REASONS]).toEqual(['tool_calls']);
    expect(JSON.parse(String(callSpan!.attributes[ATTR.OUTPUT_MESSAGES]))).toEqual([
      {
        role: 'assistant',
        parts: [
          {
            type: 'tool_call',
            id: call.id,
            name: 'get_weather',
            arguments: JSON.parse(call.function.arguments),
          },
        ],
        finish_reason: 'tool_calls',
      },
    ]);
    expect(JSON.parse(String(callSpan!.attributes[ATTR.TOOL_DEFINITIONS]))).toEqual(tools);
    const input = JSON.parse(String(answerSpan!.attributes[ATTR.INPUT_MESSAGES]));
    expect(input).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Use the tool for Paris.' }] },
      {
        role: 'assistant',
        parts: [
          {
            type: 'tool_call',
            id: call.id,
            name: 'get_weather',
            arguments: JSON.parse(call.function.arguments),
          },
        ],
      },
      {
        role: 'tool',
        parts: [{ type: 'tool_call_response', id: call.id, response: '21 degrees' }],
      },
    ]);
    const output = JSON.parse(String(answerSpan!.attributes[ATTR.OUTPUT_MESSAGES]));
    expect(output[0]).toMatchObject({ role: 'assistant', finish_reason: 'stop' });
    expect(output[0].parts[0].type).toBe('text');
  });

  it('records no content for a client that opts out', async () => {
    const client = h.client(sdk, { captureContent: false });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES });
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.INPUT_MESSAGES]).toBeUndefined();
    expect(span.attributes[ATTR.OUTPUT_MESSAGES]).toBeUndefined();
    expect(span.attributes[ATTR.USAGE_OUTPUT_TOKENS]).toBeGreaterThan(0);
  });

  it('measures chat.completions.parse() once, through create', async () => {
    const client = h.client(sdk);
    const parsed = await client.chat.completions.parse({
      model: 'gpt-4o-mini',
      messages: MESSAGES,
    });
    expect(parsed.choices[0].message.parsed).toBeNull();
    const { spans, metrics } = await h.drain();
    const span = onlySpan(spans);
    expect(span.attributes[ATTR.USAGE_OUTPUT_TOKENS]).toBe(parsed.usage.completion_tokens);
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(1);
  });

  it('keeps withResponse working', async () => {
    const client = h.client(sdk);
    const { data, response, request_id } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: MESSAGES })
      .withResponse();
    expect(response.status).toBe(200);
    expect(request_id).toBe(response.headers.get('x-request-id'));
    expect(data.choices[0].message.content).toBeTruthy();
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.USAGE_OUTPUT_TOKENS]).toBe(data.usage.completion_tokens);
  });

  it('keeps asResponse working', async () => {
    const client = h.client(sdk);
    const response = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: MESSAGES })
      .asResponse();
    const body = await response.json();
    expect(body.object).toBe('chat.completion');
    // The caller read the body itself: the span ends when the response arrives, without usage.
    await new Promise((resolve) => setImmediate(resolve));
    const span = onlySpan((await h.drain()).spans);
    expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(span.attributes[ATTR.USAGE_OUTPUT_TOKENS]).toBeUndefined();
  });

  it('keeps the request id and the returned object the SDK built', async () => {
    const client = h.client(sdk);
    const promise = client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES });
    expect(promise).toBeInstanceOf(Promise);
    expect(promise.constructor.name).toBe('APIPromise');
    expect(typeof promise.withResponse).toBe('function');
    const completion = await promise;
    expect(completion._request_id).toMatch(/.+/);
    // Awaiting again parses nothing twice and returns the same object.
    expect(await promise).toBe(completion);
    await h.drain();
  });

  it('names the provider azure.ai.openai for an AzureOpenAI client', async () => {
    const azure = instrumentOpenAI(
      new sdk.AzureOpenAI({
        apiKey: 'sk-test',
        endpoint: h.mock.url.replace(/\/v1$/, ''),
        apiVersion: '2024-10-21',
        deployment: 'gpt-4o-mini',
        maxRetries: 0,
      }),
    );
    // The mock serves /v1 only: the call fails with a 404, which still has to be labelled.
    const error = await azure.chat.completions
      .create({ model: 'gpt-4o-mini', messages: MESSAGES })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(sdk.OpenAI.NotFoundError);
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.PROVIDER_NAME]).toBe('azure.ai.openai');
    expect(span.attributes[ATTR.SERVER_ADDRESS]).toBe('127.0.0.1');
  });

  it('uses the configured provider name for an OpenAI-compatible server', async () => {
    const client = h.client(sdk, { provider: 'vllm' });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES });
    const { spans, metrics } = await h.drain();
    expect(onlySpan(spans).attributes[ATTR.PROVIDER_NAME]).toBe('vllm');
    expect(
      metrics.points(METRIC.CLIENT_OPERATION_DURATION)[0]!.attributes[ATTR.PROVIDER_NAME],
    ).toBe('vllm');
  });

  it('instruments clients made with withOptions()', async () => {
    const client = h.client(sdk, { provider: 'gateway' }).withOptions({ timeout: 5000 });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES });
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.PROVIDER_NAME]).toBe('gateway');
  });

  it('gives withOptions() clients the options of the latest instrumentOpenAI() call', async () => {
    const client = h.client(sdk, { provider: 'first' });
    instrumentOpenAI(client, { provider: 'second' });
    await client.withOptions({ timeout: 5000 }).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: MESSAGES,
    });
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.PROVIDER_NAME]).toBe('second');
  });

  it('wraps a client once however often it is instrumented', async () => {
    const client = h.client(sdk);
    expect(instrumentOpenAI(instrumentOpenAI(client))).toBe(client);
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES });
    onlySpan((await h.drain()).spans);
  });
});
