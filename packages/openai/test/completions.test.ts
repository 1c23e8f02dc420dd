import { ATTR, METRIC } from '@llmeter/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, type Harness, harness, onlyLogLine, onlySpan, SDKS } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness({ captureContent: true });
});
afterAll(async () => {
  await h.close();
});

const TOKENS = 8;

describe.each(SDKS)('legacy completions on $name', (sdk) => {
  it('records a text_completion span with usage and content', async () => {
    const client = h.client(sdk);
    const completion = await client.completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Once upon a time',
      max_tokens: 16,
    });
    const { spans, metrics } = await h.drain();
    const span = onlySpan(spans);
    expect(span.name).toBe('text_completion gpt-3.5-turbo-instruct');
    expect(span.attributes).toMatchObject({
      [ATTR.OPERATION_NAME]: 'text_completion',
      [ATTR.REQUEST_MAX_TOKENS]: 16,
      [ATTR.RESPONSE_ID]: completion.id,
      [ATTR.RESPONSE_FINISH_REASONS]: ['stop'],
      [ATTR.USAGE_INPUT_TOKENS]: completion.usage.prompt_tokens,
      [ATTR.USAGE_OUTPUT_TOKENS]: completion.usage.completion_tokens,
    });
    expect(JSON.parse(String(span.attributes[ATTR.INPUT_MESSAGES]))).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Once upon a time' }] },
    ]);
    expect(JSON.parse(String(span.attributes[ATTR.OUTPUT_MESSAGES]))).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: completion.choices[0].text }],
        finish_reason: 'stop',
      },
    ]);
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(1);
    expect(metrics.sum(METRIC.CLIENT_COST)).toBeGreaterThan(0);
  });

  it('records a streamed completion, with usage when include_usage is on', async () => {
    const client = h.client(sdk, { streamIncludeUsage: true });
    const chunks = await collect(
      await client.completions.create({
        model: 'gpt-3.5-turbo-instruct',
        prompt: 'Count',
        stream: true,
      }),
    );
    // One chunk per token, the finish chunk, then the usage-only chunk.
    expect(chunks).toHaveLength(TOKENS + 2);
    const text = chunks.map((c: any) => c.choices[0]?.text ?? '').join('');
    const { spans, metrics } = await h.drain();
    const span = onlySpan(spans);
    expect(span.attributes).toMatchObject({
      [ATTR.LLMETER_STREAM_CHUNKS]: TOKENS + 1,
      [ATTR.RESPONSE_FINISH_REASONS]: ['stop'],
      [ATTR.USAGE_OUTPUT_TOKENS]: TOKENS,
    });
    expect(JSON.parse(String(span.attributes[ATTR.OUTPUT_MESSAGES]))[0].parts).toEqual([
      { type: 'text', content: text },
    ]);
    expect(metrics.count(METRIC.CLIENT_TIME_PER_OUTPUT_CHUNK)).toBe(TOKENS);
  });

  it.each([false, true])(
    'writes one llm_call_completed line with tokens and cost (stream: %s)',
    async (stream) => {
      const client = h.client(sdk, { streamIncludeUsage: true });
      const body = { model: 'gpt-3.5-turbo-instruct', prompt: 'Count', stream };
      const usage = stream
        ? ((await collect(await client.completions.create(body))).at(-1) as any).usage
        : (await client.completions.create(body)).usage;
      const { spans, logLines } = await h.drain();
      const line = onlyLogLine(logLines, onlySpan(spans));
      expect(line).toMatchObject({
        operation: 'text_completion',
        provider: 'openai',
        request_model: 'gpt-3.5-turbo-instruct',
        input_tokens: usage.prompt_tokens,
        output_tokens: usage.completion_tokens,
        finish_reasons: ['stop'],
        stream,
      });
      expect(line.cost_usd).toBeGreaterThan(0);
    },
  );
});
