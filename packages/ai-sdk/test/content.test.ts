import { generateObject, generateText, isStepCount, jsonSchema, streamText } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { llmeterTelemetry } from '../src';
import { byName, type Harness, harness, waitForSpans, weatherTool } from './helpers';

// Its own file: content capture is an init() option (one llmeter instance per process).
let h: Harness;
beforeAll(async () => {
  h = await harness({ captureContent: true });
});
afterEach(async () => {
  await h.drain();
});
afterAll(async () => {
  await h.close();
});

const telemetry = (options = {}) => ({ integrations: [llmeterTelemetry(options)] });
const json = (value: unknown) => JSON.parse(String(value));

describe('content capture (on in init)', () => {
  it('records prompts, instructions, tool definitions, replies and tool calls in the semconv shape', async () => {
    await generateText({
      model: h.openai.chat('gpt-4o-mini'),
      instructions: 'Be brief.',
      prompt: 'Use the weather tool for Paris',
      tools: { weather: weatherTool() },
      stopWhen: isStepCount(3),
      telemetry: telemetry(),
    });
    const { spans } = await h.drain();
    const [first, second] = byName(spans, 'chat');
    expect(json(first!.attributes['gen_ai.input.messages'])).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Use the weather tool for Paris' }] },
    ]);
    expect(json(first!.attributes['gen_ai.system_instructions'])).toEqual([
      { type: 'text', content: 'Be brief.' },
    ]);
    expect(String(first!.attributes['gen_ai.tool.definitions'])).toContain('weather');
    const [reply] = json(first!.attributes['gen_ai.output.messages']);
    expect(reply).toMatchObject({ role: 'assistant', finish_reason: 'tool_calls' });
    expect(reply.parts[0]).toMatchObject({
      type: 'tool_call',
      name: 'weather',
      arguments: { city: 'mock' },
    });
    const roles = json(second!.attributes['gen_ai.input.messages']).map((m: any) => m.role);
    expect(roles).toEqual(['user', 'assistant', 'tool']);
    const [tool] = byName(spans, 'execute_tool');
    expect(json(tool!.attributes['gen_ai.tool.call.arguments'])).toEqual({ city: 'mock' });
    expect(json(tool!.attributes['gen_ai.tool.call.result'])).toEqual({
      city: 'mock',
      forecast: 'sunny',
    });
  });

  it('assembles a streamed reply', async () => {
    const result = streamText({
      model: h.openai.chat('gpt-4o-mini'),
      prompt: 'Say hello',
      headers: { 'x-mock-content': 'hello there friend' },
      telemetry: telemetry(),
    });
    expect(await result.text).toBe('hello there friend');
    await waitForSpans(h.t, 2);
    const { spans } = await h.drain();
    expect(json(byName(spans, 'chat')[0]!.attributes['gen_ai.output.messages'])).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: 'hello there friend' }],
        finish_reason: 'stop',
      },
    ]);
  });

  it('records the object of generateObject as its reply', async () => {
    await generateObject({
      model: h.openai.chat('gpt-4o-mini'),
      schema: jsonSchema<{ city: string }>({
        type: 'object',
        properties: { city: { type: 'string' } },
      }),
      prompt: 'A city',
      headers: { 'x-mock-content': '{"city": "Paris"}' },
      telemetry: telemetry(),
    });
    const { spans } = await h.drain();
    const [reply] = json(byName(spans, 'chat')[0]!.attributes['gen_ai.output.messages']);
    expect(reply.parts).toEqual([{ type: 'text', content: '{"city": "Paris"}' }]);
  });

  it('records nothing with captureContent: false, nor with the AI SDK recordInputs/recordOutputs off', async () => {
    await generateText({
      model: h.openai.chat('gpt-4o-mini'),
      prompt: 'Use the weather tool for Paris',
      tools: { weather: weatherTool() },
      stopWhen: isStepCount(3),
      telemetry: telemetry({ captureContent: false }),
    });
    await generateText({
      model: h.openai.chat('gpt-4o-mini'),
      prompt: 'Say hello',
      telemetry: { recordInputs: false, recordOutputs: false, ...telemetry() },
    });
    const { spans } = await h.drain();
    const [own, , sdk] = byName(spans, 'chat');
    const [tool] = byName(spans, 'execute_tool');
    expect(tool!.attributes['gen_ai.tool.call.arguments']).toBeUndefined();
    expect(tool!.attributes['gen_ai.tool.call.result']).toBeUndefined();
    expect(own!.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(own!.attributes['gen_ai.output.messages']).toBeUndefined();
    expect(sdk!.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(sdk!.attributes['gen_ai.output.messages']).toBeUndefined();
  });
});
