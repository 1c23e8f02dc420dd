import { embed, embedMany, generateObject, jsonSchema, streamObject } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { llmeterTelemetry } from '../src';
import { byName, type Harness, harness, parentId, waitForSpans } from './helpers';

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
const schema = jsonSchema<{ city: string }>({
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
});
const JSON_REPLY = { 'x-mock-content': '{"city": "Paris"}' };

describe('generateObject / streamObject', () => {
  it('generateObject: one chat inside an invoke_agent', async () => {
    const result = await generateObject({
      model: h.openai.chat('gpt-4o-mini'),
      schema,
      prompt: 'A city',
      headers: JSON_REPLY,
      telemetry: telemetry(),
    });
    expect(result.object).toEqual({ city: 'Paris' });
    const { spans, metrics } = await h.drain();
    const [chat] = byName(spans, 'chat');
    const [agent] = byName(spans, 'invoke_agent');
    expect(agent!.name).toBe('invoke_agent ai.generateObject');
    expect(parentId(chat!)).toBe(agent!.spanContext().spanId);
    expect(chat!.attributes).toMatchObject({
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.usage.input_tokens': result.usage.inputTokens,
      'gen_ai.usage.output_tokens': result.usage.outputTokens,
    });
    expect(metrics.count('gen_ai.client.operation.duration')).toBe(1);
  });

  it('streamObject: a streamed chat with time to first chunk', async () => {
    const result = streamObject({
      model: h.openai.chat('gpt-4o-mini'),
      schema,
      prompt: 'A city',
      headers: JSON_REPLY,
      telemetry: telemetry(),
    });
    for await (const _ of result.partialObjectStream) {
      // read it all
    }
    expect(await result.object).toEqual({ city: 'Paris' });
    await waitForSpans(h.t, 2);
    const { spans, metrics } = await h.drain();
    const [chat] = byName(spans, 'chat');
    expect(chat!.attributes['gen_ai.request.stream']).toBe(true);
    expect(byName(spans, 'invoke_agent')[0]!.name).toBe('invoke_agent ai.streamObject');
    expect(metrics.count('gen_ai.client.operation.time_to_first_chunk')).toBe(1);
  });
});

describe('embed / embedMany', () => {
  it('embed: one embeddings operation inside an invoke_workflow', async () => {
    const result = await embed({
      model: h.openai.embedding('text-embedding-3-small'),
      value: 'sunny day',
      telemetry: telemetry(),
    });
    expect(result.embedding.length).toBeGreaterThan(0);
    const { spans, metrics } = await h.drain();
    const [op] = byName(spans, 'embeddings');
    const [workflow] = byName(spans, 'invoke_workflow');
    expect(op!.name).toBe('embeddings text-embedding-3-small');
    expect(workflow!.name).toBe('invoke_workflow ai.embed');
    expect(parentId(op!)).toBe(workflow!.spanContext().spanId);
    expect(op!.attributes).toMatchObject({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.provider.name': 'openai',
      'gen_ai.usage.input_tokens': result.usage.tokens,
    });
    expect(metrics.count('gen_ai.client.operation.duration')).toBe(1);
    expect(metrics.tokens()).toEqual({ input: result.usage.tokens });
  });

  it('embedMany: one embeddings operation per provider request', async () => {
    const result = await embedMany({
      model: h.openai.embedding('text-embedding-3-small'),
      values: ['a', 'b', 'c'],
      telemetry: telemetry(),
    });
    expect(result.embeddings).toHaveLength(3);
    const { spans, metrics } = await h.drain();
    expect(byName(spans, 'embeddings')).toHaveLength(1);
    expect(byName(spans, 'invoke_workflow')[0]!.name).toBe('invoke_workflow ai.embedMany');
    expect(metrics.tokens()).toEqual({ input: result.usage.tokens });
  });

  it('embed: a failed request is a failed embeddings operation', async () => {
    const error = await embed({
      model: h.openai.embedding('text-embedding-3-small'),
      value: 'sunny day',
      maxRetries: 0,
      headers: { 'x-mock-error-status': '500' },
      telemetry: telemetry(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const { spans } = await h.drain();
    expect(byName(spans, 'embeddings')[0]!.attributes['error.type']).toBe('500');
    expect(byName(spans, 'invoke_workflow')[0]!.attributes['error.type']).toBe('500');
  });

  it('embed: an attempt the AI SDK retries ends as retried, the next one succeeds', async () => {
    h.mock.setBehavior({ errorStatus: 500, errorTimes: 1 });
    await embed({
      model: h.openai.embedding('text-embedding-3-small'),
      value: 'sunny day',
      maxRetries: 1,
      telemetry: telemetry(),
    });
    const { spans, metrics } = await h.drain();
    const ops = byName(spans, 'embeddings');
    expect(ops.map((s) => s.attributes['error.type'])).toEqual(['retried', undefined]);
    expect(byName(spans, 'invoke_workflow')[0]!.attributes['error.type']).toBeUndefined();
    expect(metrics.count('gen_ai.client.operation.duration')).toBe(2);
  });
});
