import { ATTR, METRIC } from '@llmeter/core';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { collect, type Harness, harness, onlySpan, SDKS, waitForSpans } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness({ captureContent: true, internalLogLevel: 'silent' });
});
afterAll(async () => {
  await h.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const BODY = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

/** A fetch that answers every request with this JSON body (or SSE frames). */
function fetchReturning(payload: unknown, sse = false): typeof fetch {
  return async () => {
    const body = sse
      ? `${(payload as unknown[]).map((p) => `data: ${JSON.stringify(p)}\n\n`).join('')}data: [DONE]\n\n`
      : JSON.stringify(payload);
    return new Response(body, {
      status: 200,
      headers: { 'content-type': sse ? 'text/event-stream' : 'application/json' },
    });
  };
}

/** An operation whose every method throws (its context works, so the call runs observed). */
function throwingOperation() {
  const boom = () => {
    throw new Error('recorder exploded');
  };
  return {
    get span(): never {
      return boom();
    },
    context: context.active(),
    nested: false,
    chunk: boom,
    update: boom,
    end: boom,
    fail: boom,
  } as any;
}

describe.each(SDKS)('robustness on $name', (sdk) => {
  it('never throws when usage is missing', async () => {
    const odd = [
      {
        id: 'x',
        object: 'chat.completion',
        model: 'gpt-4o-mini',
        choices: [
          { index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' },
        ],
      },
      { choices: null, usage: 'lots', model: 42 },
      { choices: [null, 7, { message: null, finish_reason: 9 }], usage: { prompt_tokens: 'many' } },
    ];
    for (const payload of odd) {
      const client = h.client(sdk, undefined, { fetch: fetchReturning(payload) });
      const result = await client.chat.completions.create(BODY);
      expect(result).toMatchObject(payload as object);
    }
    const { spans, metrics } = await h.drain();
    expect(spans).toHaveLength(3);
    for (const span of spans) {
      expect(span.status.code).not.toBe(SpanStatusCode.ERROR);
      expect(span.attributes[ATTR.USAGE_INPUT_TOKENS]).toBeUndefined();
    }
    expect(metrics.tokens()).toEqual({});
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(3);
  });

  it('never throws on odd stream chunks', async () => {
    const chunks = [
      {
        id: 'c',
        model: 'gpt-4o-mini',
        choices: [{ index: 0, delta: { content: 'a', tool_calls: [null, { index: 'x' }] } }],
      },
      { choices: [{ delta: null }], usage: null },
      { choices: 'nope' },
      {
        choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
        usage: { completion_tokens: 1 },
      },
    ];
    const client = h.client(sdk, undefined, { fetch: fetchReturning(chunks, true) });
    const items = await collect(await client.chat.completions.create({ ...BODY, stream: true }));
    expect(items).toHaveLength(4);
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes[ATTR.USAGE_OUTPUT_TOKENS]).toBe(1);
    expect(span.attributes[ATTR.LLMETER_STREAM_CHUNKS]).toBe(3);
  });

  it('a recorder that throws never reaches the caller', async () => {
    const client = h.client(sdk);
    vi.spyOn(h.t.llmeter.recorder, 'startOperation').mockImplementation(() => {
      throw new Error('recorder exploded');
    });
    const completion = await client.chat.completions.create(BODY);
    expect(completion.choices[0].message.content).toBeTruthy();
    const chunks = await collect(await client.chat.completions.create({ ...BODY, stream: true }));
    expect(chunks.length).toBeGreaterThan(1);

    vi.spyOn(h.t.llmeter.recorder, 'startOperation').mockImplementation(throwingOperation);
    expect((await client.chat.completions.create(BODY)).choices[0].message.content).toBeTruthy();
    const again = await collect(await client.chat.completions.create({ ...BODY, stream: true }));
    expect(again).toHaveLength(chunks.length);
    const { withResponse } = {
      withResponse: await client.chat.completions.create(BODY).withResponse(),
    };
    expect(withResponse.response.status).toBe(200);
    await expect(
      client.chat.completions.create(BODY, { headers: { 'x-mock-error-status': '429' } }),
    ).rejects.toBeInstanceOf(sdk.OpenAI.RateLimitError);
    expect(h.t.spans()).toHaveLength(0);
    await h.drain();
  });

  it('counts once when an outer operation already measures the call', async () => {
    const client = h.client(sdk);
    const recorder = h.t.llmeter.recorder;
    // What a framework handler (the LangChain one) does around the SDK call.
    const outer = recorder.startOperation({
      operation: 'chat',
      requestModel: 'gpt-4o-mini',
      provider: 'openai',
    });
    const completion = await context.with(outer.context, () =>
      client.chat.completions.create(BODY),
    );
    outer.end();
    const streamOuter = recorder.startOperation({
      operation: 'chat',
      requestModel: 'gpt-4o-mini',
      provider: 'openai',
    });
    const stream = await context.with(streamOuter.context, () =>
      client.chat.completions.create({
        ...BODY,
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    await collect(stream);
    streamOuter.end();

    const { spans, metrics } = await h.drain();
    expect(spans).toHaveLength(4);
    const [inner, outerSpan, streamInner, streamOuterSpan] = spans;
    expect(inner!.parentSpanContext?.spanId ?? (inner as any).parentSpanId).toBe(
      outerSpan!.spanContext().spanId,
    );
    expect(streamInner!.parentSpanContext?.spanId ?? (streamInner as any).parentSpanId).toBe(
      streamOuterSpan!.spanContext().spanId,
    );
    // Metrics: one duration per call, tokens once, TTFT once (handed to the outer operation).
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(2);
    expect(metrics.count(METRIC.CLIENT_TIME_TO_FIRST_CHUNK)).toBe(1);
    expect(metrics.tokens().input).toBe(completion.usage.prompt_tokens * 2);
    // Cost once per call, on the outer span only.
    expect(outerSpan!.attributes[ATTR.LLMETER_COST_USD]).toBeGreaterThan(0);
    expect(inner!.attributes[ATTR.LLMETER_COST_USD]).toBeUndefined();
    expect(outerSpan!.attributes[ATTR.USAGE_OUTPUT_TOKENS]).toBe(
      completion.usage.completion_tokens,
    );
  });

  it('makes the LLM span active while the request runs', async () => {
    let active: string | undefined;
    const respond = fetchReturning({ id: 'x', model: 'gpt-4o-mini', choices: [] });
    const client = h.client(sdk, undefined, {
      fetch: (...args: Parameters<typeof fetch>) => {
        active = trace.getActiveSpan()?.spanContext().spanId;
        return respond(...args);
      },
    });
    await client.chat.completions.create(BODY);
    const span = onlySpan((await h.drain()).spans);
    expect(active).toBe(span.spanContext().spanId);
  });

  it('keeps the caller arguments and SDK options intact', async () => {
    const client = h.client(sdk, { streamIncludeUsage: true });
    const body = Object.freeze({ ...BODY, stream: true });
    await collect(await client.chat.completions.create(body));
    expect(Object.isFrozen(body)).toBe(true);
    await waitForSpans(h.t, 1);
    await h.drain();
  });
});

describe('before llmeter starts and after it stops', () => {
  it('passes calls through untouched', async () => {
    const client = h.client(SDKS[0]);
    await h.t.shutdown();
    const completion = await client.chat.completions.create(BODY);
    expect(completion.choices[0].message.content).toBeTruthy();
    expect(
      await collect(await client.chat.completions.create({ ...BODY, stream: true })),
    ).not.toHaveLength(0);
    expect(h.t.spans()).toHaveLength(0);
  });
});
