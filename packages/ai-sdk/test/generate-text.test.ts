import { generateText, isStepCount, streamText } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { llmeterTelemetry } from '../src';
import { byName, type Harness, harness, parentId, waitForSpans, weatherTool } from './helpers';

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

describe('generateText', () => {
  it('records one chat operation inside an invoke_agent, with usage, response model and the log line', async () => {
    const result = await generateText({
      model: h.openai.chat('gpt-4o-mini'),
      prompt: 'Say hello',
      maxOutputTokens: 50,
      temperature: 0.2,
      telemetry: telemetry(),
    });
    expect(result.text).toContain('mock LLM');

    const { spans, metrics, logLines } = await h.drain();
    expect(spans.map((s) => s.name).sort()).toEqual([
      'chat gpt-4o-mini',
      'invoke_agent ai.generateText',
    ]);
    const [chat] = byName(spans, 'chat');
    const [agent] = byName(spans, 'invoke_agent');
    expect(parentId(chat!)).toBe(agent!.spanContext().spanId);
    expect(chat!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.stream': false,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': result.usage.inputTokens,
      'gen_ai.usage.output_tokens': result.usage.outputTokens,
    });
    expect(chat!.attributes['gen_ai.response.id']).toMatch(/^chatcmpl-/);
    expect(chat!.attributes['llmeter.cost.usd']).toBeGreaterThan(0);
    // Content capture is off by default.
    expect(chat!.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(chat!.attributes['gen_ai.output.messages']).toBeUndefined();
    expect(agent!.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'ai.generateText',
      'llmeter.agent.inference_calls': 1,
      'llmeter.agent.tool_calls': 0,
    });

    expect(metrics.count('gen_ai.client.operation.duration')).toBe(1);
    expect(metrics.count('gen_ai.invoke_agent.duration')).toBe(1);
    expect(metrics.count('gen_ai.client.operation.time_to_first_chunk')).toBe(0);
    expect(metrics.tokens()).toEqual({
      input: result.usage.inputTokens,
      output: result.usage.outputTokens,
    });
    const [point] = metrics.points('gen_ai.client.operation.duration');
    expect(point!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    });
    const line = logLines.find((l) => l.event === 'llm_call_completed');
    expect(line).toMatchObject({ trace_id: chat!.spanContext().traceId });
    expect(line!.span_id).toBe(chat!.spanContext().spanId);
  });

  it('names the agent after telemetry.functionId', async () => {
    await generateText({
      model: h.openai.chat('gpt-4o-mini'),
      prompt: 'Say hello',
      telemetry: { functionId: 'support-agent', ...telemetry() },
    });
    const { spans, metrics } = await h.drain();
    expect(byName(spans, 'invoke_agent').map((s) => s.name)).toEqual([
      'invoke_agent support-agent',
    ]);
    expect(metrics.points('gen_ai.invoke_agent.duration')[0]!.attributes).toMatchObject({
      'gen_ai.agent.name': 'support-agent',
    });
  });

  it('records each step of a multi-step call and each tool execution', async () => {
    const result = await generateText({
      model: h.openai.chat('gpt-4o-mini'),
      prompt: 'Use the weather tool for Paris',
      tools: { weather: weatherTool() },
      stopWhen: isStepCount(3),
      telemetry: telemetry(),
    });
    expect(result.steps).toHaveLength(2);

    const { spans, metrics } = await h.drain();
    const chats = byName(spans, 'chat');
    const [tool] = byName(spans, 'execute_tool');
    const [agent] = byName(spans, 'invoke_agent');
    expect(chats).toHaveLength(2);
    expect(chats.map((s) => s.attributes['gen_ai.response.finish_reasons'])).toEqual([
      ['tool_calls'],
      ['stop'],
    ]);
    expect(tool!.name).toBe('execute_tool weather');
    expect(tool!.attributes).toMatchObject({
      'gen_ai.tool.name': 'weather',
      'gen_ai.tool.type': 'function',
      'gen_ai.tool.call.id': result.steps[0]!.toolCalls[0]!.toolCallId,
    });
    for (const span of [...chats, tool!]) {
      expect(parentId(span)).toBe(agent!.spanContext().spanId);
    }
    expect(agent!.attributes).toMatchObject({
      'llmeter.agent.inference_calls': 2,
      'llmeter.agent.tool_calls': 1,
    });
    expect(metrics.count('gen_ai.client.operation.duration')).toBe(2);
    expect(metrics.count('gen_ai.execute_tool.duration')).toBe(1);
    expect(metrics.points('gen_ai.invoke_agent.tool_calls')[0]!.value.sum).toBe(1);
    expect(metrics.points('gen_ai.invoke_agent.inference_calls')[0]!.value.sum).toBe(2);
    expect(metrics.tokens()).toEqual({
      input: result.totalUsage.inputTokens,
      output: result.totalUsage.outputTokens,
    });
  });

  it('nests what a tool does under its execute_tool span (a nested generateText)', async () => {
    await generateText({
      model: h.openai.chat('gpt-4o-mini'),
      prompt: 'Use the weather tool for Paris',
      tools: {
        weather: weatherTool(async () => {
          const inner = await generateText({
            model: h.openai.chat('gpt-4o-mini'),
            prompt: 'Say hello',
            telemetry: { functionId: 'inner', ...telemetry() },
          });
          return inner.text;
        }),
      },
      stopWhen: isStepCount(3),
      telemetry: telemetry(),
    });
    const { spans } = await h.drain();
    const [tool] = byName(spans, 'execute_tool');
    const inner = spans.find((s) => s.name === 'invoke_agent inner');
    expect(parentId(inner!)).toBe(tool!.spanContext().spanId);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
  });

  it('records a failing tool as a failed execute_tool', async () => {
    await generateText({
      model: h.openai.chat('gpt-4o-mini'),
      prompt: 'Use the weather tool for Paris',
      tools: {
        weather: weatherTool(async () => {
          throw new RangeError('no such city');
        }),
      },
      stopWhen: isStepCount(3),
      telemetry: telemetry(),
    });
    const { spans, metrics } = await h.drain();
    const [tool] = byName(spans, 'execute_tool');
    expect(tool!.attributes['error.type']).toBe('RangeError');
    expect(tool!.status.code).toBe(2);
    expect(metrics.points('gen_ai.execute_tool.duration')[0]!.attributes).toMatchObject({
      'gen_ai.tool.name': 'weather',
      'error.type': 'RangeError',
    });
  });

  it('works with the Responses API model of @ai-sdk/openai', async () => {
    await generateText({
      model: h.openai('gpt-4o-mini'),
      prompt: 'Say hello',
      telemetry: telemetry(),
    });
    const { spans, metrics } = await h.drain();
    const [chat] = byName(spans, 'chat');
    expect(chat!.attributes).toMatchObject({
      'gen_ai.provider.name': 'openai',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    });
    expect(chat!.attributes['gen_ai.response.id']).toMatch(/^resp_/);
    expect(metrics.count('gen_ai.client.operation.duration')).toBe(1);
  });

  it('records cached input and reasoning tokens the provider reports', async () => {
    await generateText({
      model: h.openai.chat('gpt-4o-mini'),
      prompt: 'Say hello',
      headers: { 'x-mock-cached-tokens': '3', 'x-mock-reasoning-tokens': '2' },
      telemetry: telemetry(),
    });
    const { spans } = await h.drain();
    expect(byName(spans, 'chat')[0]!.attributes).toMatchObject({
      'gen_ai.usage.cache_read.input_tokens': 3,
      'gen_ai.usage.reasoning.output_tokens': 2,
    });
  });
});

describe('streamText', () => {
  it('records time to first chunk, time per chunk and usage from the stream parts', async () => {
    const result = streamText({
      model: h.openai.chat('gpt-4o-mini'),
      prompt: 'Say hello',
      headers: { 'x-mock-chunks': '5' },
      telemetry: telemetry(),
    });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text.length).toBeGreaterThan(0);
    const usage = await result.usage;
    await waitForSpans(h.t, 2);

    const { spans, metrics } = await h.drain();
    const [chat] = byName(spans, 'chat');
    expect(byName(spans, 'invoke_agent').map((s) => s.name)).toEqual([
      'invoke_agent ai.streamText',
    ]);
    expect(chat!.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.finish_reasons': ['stop'],
      'llmeter.stream.chunks': 5,
    });
    expect(chat!.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThanOrEqual(0);
    expect(metrics.count('gen_ai.client.operation.time_to_first_chunk')).toBe(1);
    expect(metrics.count('gen_ai.client.operation.time_per_output_chunk')).toBe(4);
    if (usage.inputTokens !== undefined) {
      expect(metrics.tokens()).toEqual({ input: usage.inputTokens, output: usage.outputTokens });
    }
  });

  it('records each streamed step and the tool between them', async () => {
    const result = streamText({
      model: h.openai('gpt-4o-mini'),
      prompt: 'Use the weather tool for Paris',
      tools: { weather: weatherTool() },
      stopWhen: isStepCount(3),
      telemetry: telemetry(),
    });
    await result.consumeStream();
    expect(await result.steps).toHaveLength(2);
    await waitForSpans(h.t, 4);
    const { spans, metrics } = await h.drain();
    expect(byName(spans, 'chat')).toHaveLength(2);
    expect(byName(spans, 'execute_tool')).toHaveLength(1);
    expect(metrics.count('gen_ai.client.operation.duration')).toBe(2);
    expect(metrics.count('gen_ai.client.operation.time_to_first_chunk')).toBe(2);
  });

  it('ends the operations, incomplete, when the consumer stops reading early', async () => {
    const controller = new AbortController();
    const result = streamText({
      model: h.openai.chat('gpt-4o-mini'),
      prompt: 'Say hello',
      abortSignal: controller.signal,
      headers: { 'x-mock-chunks': '20', 'x-mock-chunk-delay-ms': '5' },
      telemetry: telemetry(),
    });
    for await (const _ of result.textStream) {
      controller.abort();
      break;
    }
    await waitForSpans(h.t, 2);
    const { spans, metrics } = await h.drain();
    const [chat] = byName(spans, 'chat');
    expect(chat).toBeDefined();
    expect(chat!.attributes['llmeter.stream.incomplete']).toBe(true);
    expect(metrics.count('gen_ai.client.operation.duration')).toBe(1);
    const active = metrics.points('llmeter.client.active_requests');
    expect(active.reduce((sum, p) => sum + p.value, 0)).toBe(0);
  });
});
