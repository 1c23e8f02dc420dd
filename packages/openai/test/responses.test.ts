import { ATTR, METRIC } from '@llmeter/core';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collect,
  type Harness,
  harness,
  onlyLogLine,
  onlySpan,
  SDKS,
  waitForSpans,
} from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness({ captureContent: true });
});
afterAll(async () => {
  await h.close();
});

const TOKENS = 8;

describe.each(SDKS)('responses on $name', (sdk) => {
  it('records a non-streaming response', async () => {
    const client = h.client(sdk);
    const response = await client.responses.create({
      model: 'gpt-4o-mini',
      instructions: 'Be brief.',
      input: 'Say hello.',
      max_output_tokens: 100,
      temperature: 0.5,
      conversation: 'conv_123',
    });
    expect(response.output_text).toBeTruthy();
    const { spans, metrics } = await h.drain();
    const span = onlySpan(spans);
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.attributes).toMatchObject({
      [ATTR.OPERATION_NAME]: 'chat',
      [ATTR.REQUEST_MODEL]: 'gpt-4o-mini',
      [ATTR.RESPONSE_MODEL]: response.model,
      [ATTR.RESPONSE_ID]: response.id,
      [ATTR.REQUEST_MAX_TOKENS]: 100,
      [ATTR.REQUEST_TEMPERATURE]: 0.5,
      [ATTR.CONVERSATION_ID]: 'conv_123',
      [ATTR.RESPONSE_FINISH_REASONS]: ['stop'],
      [ATTR.USAGE_INPUT_TOKENS]: response.usage.input_tokens,
      [ATTR.USAGE_OUTPUT_TOKENS]: response.usage.output_tokens,
    });
    expect(JSON.parse(String(span.attributes[ATTR.SYSTEM_INSTRUCTIONS]))).toEqual([
      { type: 'text', content: 'Be brief.' },
    ]);
    expect(JSON.parse(String(span.attributes[ATTR.INPUT_MESSAGES]))).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Say hello.' }] },
    ]);
    expect(JSON.parse(String(span.attributes[ATTR.OUTPUT_MESSAGES]))).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: response.output_text }],
        finish_reason: 'stop',
      },
    ]);
    expect(span.attributes[ATTR.LLMETER_COST_USD]).toBeGreaterThan(0);
    expect(metrics.tokens()).toEqual({
      input: response.usage.input_tokens,
      output: response.usage.output_tokens,
    });
  });

  it('records function calls and their outputs', async () => {
    const client = h.client(sdk);
    const tools = [
      {
        type: 'function',
        name: 'lookup',
        parameters: { type: 'object', properties: { q: { type: 'string' } } },
      },
    ];
    const first = await client.responses.create({
      model: 'gpt-4o-mini',
      input: 'Use the tool.',
      tools,
      tool_choice: 'required',
    });
    const call = first.output.find((item: any) => item.type === 'function_call');
    await client.responses.create({
      model: 'gpt-4o-mini',
      input: [
        { role: 'user', content: 'Use the tool.' },
        call,
        { type: 'function_call_output', call_id: call.call_id, output: 'found' },
      ],
      tools,
    });
    const [callSpan, answerSpan] = (await h.drain()).spans;
    expect(callSpan!.attributes[ATTR.RESPONSE_FINISH_REASONS]).toEqual(['tool_calls']);
    expect(JSON.parse(String(callSpan!.attributes[ATTR.OUTPUT_MESSAGES]))[0].parts).toEqual([
      {
        type: 'tool_call',
        id: call.call_id,
        name: 'lookup',
        arguments: JSON.parse(call.arguments),
      },
    ]);
    expect(JSON.parse(String(answerSpan!.attributes[ATTR.INPUT_MESSAGES])).slice(1)).toEqual([
      {
        role: 'assistant',
        parts: [
          {
            type: 'tool_call',
            id: call.call_id,
            name: 'lookup',
            arguments: JSON.parse(call.arguments),
          },
        ],
      },
      {
        role: 'tool',
        parts: [{ type: 'tool_call_response', id: call.call_id, response: 'found' }],
      },
    ]);
  });

  it('records a streamed response: chunks are the delta events', async () => {
    const client = h.client(sdk);
    const events = await collect(
      await client.responses.create({ model: 'gpt-4o-mini', input: 'Count.', stream: true }),
    );
    const deltas = events.filter((e: any) => e.type.endsWith('.delta'));
    expect(deltas).toHaveLength(TOKENS);
    const final = (events.at(-1) as any).response;
    const { spans, metrics } = await h.drain();
    const span = onlySpan(spans);
    expect(span.attributes).toMatchObject({
      [ATTR.REQUEST_STREAM]: true,
      [ATTR.RESPONSE_ID]: final.id,
      [ATTR.RESPONSE_MODEL]: final.model,
      [ATTR.RESPONSE_FINISH_REASONS]: ['stop'],
      [ATTR.USAGE_OUTPUT_TOKENS]: final.usage.output_tokens,
      [ATTR.LLMETER_STREAM_CHUNKS]: TOKENS,
    });
    expect(metrics.count(METRIC.CLIENT_TIME_TO_FIRST_CHUNK)).toBe(1);
    expect(metrics.count(METRIC.CLIENT_TIME_PER_OUTPUT_CHUNK)).toBe(TOKENS - 1);
  });

  it.each([false, true])(
    'writes one llm_call_completed line with tokens and cost (stream: %s)',
    async (stream) => {
      const client = h.client(sdk);
      const body = { model: 'gpt-4o-mini', input: 'Count.', stream };
      const response = stream
        ? ((await collect(await client.responses.create(body))).at(-1) as any).response
        : await client.responses.create(body);
      const { spans, logLines } = await h.drain();
      const line = onlyLogLine(logLines, onlySpan(spans));
      expect(line).toMatchObject({
        operation: 'chat',
        provider: 'openai',
        request_model: 'gpt-4o-mini',
        response_model: response.model,
        input_tokens: response.usage.input_tokens,
        output_tokens: response.usage.output_tokens,
        finish_reasons: ['stop'],
        stream,
      });
      expect(line.cost_usd).toBeGreaterThan(0);
      if (stream) expect(line.ttft_s).toBeGreaterThanOrEqual(0);
      else expect(line.ttft_s).toBeUndefined();
    },
  );

  it('fails the span with the error code of a stream that ends in response.failed', async () => {
    const client = h.client(sdk);
    const events = await collect(
      await client.responses.create(
        { model: 'gpt-4o-mini', input: 'Count.', stream: true },
        { headers: { 'x-mock-response-error-code': 'server_error' } },
      ),
    );
    // The caller reads every event, the failed one last; nothing is thrown at it.
    expect((events.at(-1) as any).type).toBe('response.failed');
    const { spans, metrics, logLines } = await h.drain();
    const span = onlySpan(spans);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toMatchObject({
      [ATTR.ERROR_TYPE]: 'server_error',
      [ATTR.RESPONSE_FINISH_REASONS]: ['error'],
      [ATTR.LLMETER_STREAM_CHUNKS]: TOKENS,
    });
    // A terminal event arrived: the stream is finished, not incomplete.
    expect(span.attributes[ATTR.LLMETER_STREAM_INCOMPLETE]).toBeUndefined();
    const [duration] = metrics.points(METRIC.CLIENT_OPERATION_DURATION);
    expect(duration?.attributes[ATTR.ERROR_TYPE]).toBe('server_error');
    expect(onlyLogLine(logLines, span).error_type).toBe('server_error');
  });

  it('fails the span of a failed response (not streamed), and returns the response unchanged', async () => {
    const client = h.client(sdk);
    const response = await client.responses.create(
      { model: 'gpt-4o-mini', input: 'Count.' },
      { headers: { 'x-mock-response-error-code': 'server_error' } },
    );
    expect(response.status).toBe('failed');
    const { spans, metrics, logLines } = await h.drain();
    const span = onlySpan(spans);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toMatchObject({
      [ATTR.ERROR_TYPE]: 'server_error',
      [ATTR.RESPONSE_FINISH_REASONS]: ['error'],
    });
    const [duration] = metrics.points(METRIC.CLIENT_OPERATION_DURATION);
    expect(duration?.attributes[ATTR.ERROR_TYPE]).toBe('server_error');
    expect(onlyLogLine(logLines, span).error_type).toBe('server_error');
  });

  it('records a reply cut by max_output_tokens with finish reason length', async () => {
    const client = h.client(sdk);
    await collect(
      await client.responses.create(
        { model: 'gpt-4o-mini', input: 'Count.', stream: true },
        { headers: { 'x-mock-finish-reason': 'length' } },
      ),
    );
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.RESPONSE_FINISH_REASONS]).toEqual(['length']);
    expect(span.attributes[ATTR.LLMETER_STREAM_INCOMPLETE]).toBeUndefined();
  });

  it('ends the span when the consumer breaks early', async () => {
    const client = h.client(sdk);
    const stream = await client.responses.create(
      { model: 'gpt-4o-mini', input: 'Count.', stream: true },
      { headers: { 'x-mock-chunk-delay-ms': '5' } },
    );
    for await (const event of stream) {
      if ((event as any).type === 'response.output_text.delta') break;
    }
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.LLMETER_STREAM_INCOMPLETE]).toBe(true);
    expect(span.attributes[ATTR.LLMETER_STREAM_CHUNKS]).toBe(1);
    expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it('measures responses.stream() and responses.parse() once each', async () => {
    const client = h.client(sdk);
    const final = await client.responses
      .stream({ model: 'gpt-4o-mini', input: 'Count.' })
      .finalResponse();
    expect(final.output_text).toBeTruthy();
    await waitForSpans(h.t, 1);
    const streamed = onlySpan((await h.drain()).spans);
    expect(streamed.attributes[ATTR.LLMETER_STREAM_CHUNKS]).toBe(TOKENS);

    const parsed = await client.responses.parse({ model: 'gpt-4o-mini', input: 'Say hello.' });
    expect(parsed.output_text).toBeTruthy();
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.USAGE_OUTPUT_TOKENS]).toBe(parsed.usage.output_tokens);
  });

  it('keeps withResponse working', async () => {
    const client = h.client(sdk);
    const { data, response } = await client.responses
      .create({ model: 'gpt-4o-mini', input: 'Say hello.' })
      .withResponse();
    expect(response.status).toBe(200);
    expect(data.output_text).toBeTruthy();
    expect(onlySpan((await h.drain()).spans).attributes[ATTR.RESPONSE_ID]).toBe(data.id);
  });
});
