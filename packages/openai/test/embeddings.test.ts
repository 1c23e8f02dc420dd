import { ATTR, METRIC } from '@llmeter/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, harness, onlyLogLine, onlySpan, SDKS } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness({ captureContent: true });
});
afterAll(async () => {
  await h.close();
});

describe.each(SDKS)('embeddings on $name', (sdk) => {
  it('records an embeddings span, input tokens and cost', async () => {
    const client = h.client(sdk);
    const result = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['one', 'two'],
      dimensions: 4,
    });
    expect(result.data).toHaveLength(2);
    expect(result.data[0].embedding).toHaveLength(4);
    const { spans, metrics } = await h.drain();
    const span = onlySpan(spans);
    expect(span.name).toBe('embeddings text-embedding-3-small');
    expect(span.attributes).toMatchObject({
      [ATTR.OPERATION_NAME]: 'embeddings',
      [ATTR.REQUEST_MODEL]: 'text-embedding-3-small',
      [ATTR.RESPONSE_MODEL]: result.model,
      [ATTR.USAGE_INPUT_TOKENS]: result.usage.prompt_tokens,
      'gen_ai.embeddings.dimension.count': 4,
    });
    expect(span.attributes[ATTR.USAGE_OUTPUT_TOKENS]).toBeUndefined();
    expect(span.attributes[ATTR.INPUT_MESSAGES]).toBeUndefined();
    expect(metrics.tokens()).toEqual({ input: result.usage.prompt_tokens });
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(1);
    expect(metrics.sum(METRIC.CLIENT_COST)).toBeGreaterThan(0);
  });

  it('writes one llm_call_completed line with input tokens and cost', async () => {
    const client = h.client(sdk);
    const result = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' });
    const { spans, logLines } = await h.drain();
    const line = onlyLogLine(logLines, onlySpan(spans));
    expect(line).toMatchObject({
      operation: 'embeddings',
      provider: 'openai',
      request_model: 'text-embedding-3-small',
      response_model: result.model,
      input_tokens: result.usage.prompt_tokens,
    });
    expect(line.output_tokens).toBeUndefined();
    expect(line.cost_usd).toBeGreaterThan(0);
  });

  it('records the encoding format the caller chose', async () => {
    const client = h.client(sdk);
    const result = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'one',
      encoding_format: 'float',
    });
    expect(Array.isArray(result.data[0].embedding)).toBe(true);
    const span = onlySpan((await h.drain()).spans);
    expect(span.attributes['gen_ai.request.encoding_formats']).toEqual(['float']);
  });
});
