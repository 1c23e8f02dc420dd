import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ATTR, METRIC, withAgent, withLLMCall, withTool } from '../src/index';

let t: InMemoryLLMeter;
beforeEach(() => {
  t = setupInMemory();
});
afterEach(async () => {
  await t.shutdown();
});

function histogramPoints(
  collected: Awaited<ReturnType<InMemoryLLMeter['collectMetrics']>>,
  name: string,
) {
  const metric = t.metric(collected, name);
  return (metric?.dataPoints ?? []) as Array<{ attributes: Record<string, unknown>; value: any }>;
}

describe('recorder: chat operations', () => {
  it('produces a CLIENT span with semconv attributes and the metrics for a non-streaming call', async () => {
    const op = t.llmeter.recorder.startOperation({
      operation: 'chat',
      provider: 'openai',
      requestModel: 'gpt-4o-mini',
      serverAddress: 'api.openai.com',
      serverPort: 443,
      request: {
        maxTokens: 100,
        temperature: 0.2,
        topP: 0.9,
        stopSequences: ['\n'],
        seed: 7,
        choiceCount: 1,
      },
    });
    op.end({
      responseModel: 'gpt-4o-mini-2024-07-18',
      responseId: 'chatcmpl-1',
      finishReasons: ['stop'],
      usage: {
        inputTokens: 120,
        outputTokens: 30,
        cacheReadInputTokens: 100,
        reasoningOutputTokens: 5,
      },
    });

    const [span] = t.spans();
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toMatchObject({
      [ATTR.OPERATION_NAME]: 'chat',
      [ATTR.PROVIDER_NAME]: 'openai',
      [ATTR.REQUEST_MODEL]: 'gpt-4o-mini',
      [ATTR.RESPONSE_MODEL]: 'gpt-4o-mini-2024-07-18',
      [ATTR.SERVER_ADDRESS]: 'api.openai.com',
      [ATTR.SERVER_PORT]: 443,
      [ATTR.REQUEST_MAX_TOKENS]: 100,
      [ATTR.REQUEST_TEMPERATURE]: 0.2,
      [ATTR.REQUEST_TOP_P]: 0.9,
      [ATTR.REQUEST_STOP_SEQUENCES]: ['\n'],
      [ATTR.REQUEST_SEED]: 7,
      [ATTR.RESPONSE_ID]: 'chatcmpl-1',
      [ATTR.RESPONSE_FINISH_REASONS]: ['stop'],
      [ATTR.USAGE_INPUT_TOKENS]: 120,
      [ATTR.USAGE_OUTPUT_TOKENS]: 30,
      [ATTR.USAGE_CACHE_READ_INPUT_TOKENS]: 100,
      [ATTR.USAGE_REASONING_OUTPUT_TOKENS]: 5,
    });
    expect(span.attributes[ATTR.LLMETER_COST_USD]).toBeGreaterThan(0);
    expect(span.status.code).not.toBe(SpanStatusCode.ERROR);

    const collected = await t.collectMetrics();
    const tokens = histogramPoints(collected, METRIC.CLIENT_TOKEN_USAGE);
    expect(tokens.map((p) => [p.attributes[ATTR.TOKEN_TYPE], p.value.sum]).sort()).toEqual([
      ['input', 120],
      ['output', 30],
    ]);
    expect(tokens[0].attributes).toMatchObject({
      [ATTR.OPERATION_NAME]: 'chat',
      [ATTR.PROVIDER_NAME]: 'openai',
      [ATTR.REQUEST_MODEL]: 'gpt-4o-mini',
      [ATTR.RESPONSE_MODEL]: 'gpt-4o-mini-2024-07-18',
      [ATTR.SERVER_ADDRESS]: 'api.openai.com',
      [ATTR.SERVER_PORT]: 443,
    });
    const duration = histogramPoints(collected, METRIC.CLIENT_OPERATION_DURATION);
    expect(duration).toHaveLength(1);
    expect(duration[0].value.count).toBe(1);
    expect(t.metric(collected, METRIC.CLIENT_OPERATION_DURATION)?.descriptor.unit).toBe('s');
    const cost = histogramPoints(collected, METRIC.CLIENT_COST);
    expect(cost.map((p) => p.attributes[ATTR.TOKEN_TYPE]).sort()).toEqual(['input', 'output']);
    // no first chunk on a non-streaming call: no TTFT observation
    expect(histogramPoints(collected, METRIC.CLIENT_TIME_TO_FIRST_CHUNK)).toHaveLength(0);
  });

  it('measures time to first chunk from the request start and one observation per later chunk', async () => {
    const start = performance.now();
    const op = t.llmeter.recorder.startOperation({
      requestModel: 'gpt-4o',
      request: { stream: true },
      startTime: start,
    });
    op.chunk(start + 250);
    op.chunk(start + 300);
    op.chunk(start + 320);
    op.chunk(start + 400);
    op.end({ usage: { inputTokens: 10, outputTokens: 4 }, finishReasons: ['stop'] });

    const [span] = t.spans();
    expect(span.attributes[ATTR.RESPONSE_TIME_TO_FIRST_CHUNK]).toBeCloseTo(0.25, 5);
    expect(span.attributes[ATTR.LLMETER_STREAM_CHUNKS]).toBe(4);
    const collected = await t.collectMetrics();
    const ttft = histogramPoints(collected, METRIC.CLIENT_TIME_TO_FIRST_CHUNK);
    expect(ttft[0].value.count).toBe(1);
    expect(ttft[0].value.sum).toBeCloseTo(0.25, 5);
    const perChunk = histogramPoints(collected, METRIC.CLIENT_TIME_PER_OUTPUT_CHUNK);
    expect(perChunk[0].value.count).toBe(3);
    expect(perChunk[0].value.sum).toBeCloseTo(0.15, 5);
  });

  it('marks a failure with error.type, ERROR status and an exception event, and still records duration', async () => {
    class RateLimitError extends Error {}
    const op = t.llmeter.recorder.startOperation({ requestModel: 'gpt-4o' });
    op.fail(new RateLimitError('slow down'));

    const [span] = t.spans();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'slow down' });
    expect(span.attributes[ATTR.ERROR_TYPE]).toBe('RateLimitError');
    expect(span.events.map((e) => e.name)).toContain('exception');
    const collected = await t.collectMetrics();
    const duration = histogramPoints(collected, METRIC.CLIENT_OPERATION_DURATION);
    expect(duration[0].attributes[ATTR.ERROR_TYPE]).toBe('RateLimitError');
    // no usage reported: none invented
    expect(histogramPoints(collected, METRIC.CLIENT_TOKEN_USAGE)).toHaveLength(0);
  });

  it('records metrics for operations whose span is not sampled', async () => {
    await t.shutdown();
    const { AlwaysOffSampler } = await import('@opentelemetry/sdk-trace');
    t = setupInMemory({ sampler: new AlwaysOffSampler() });
    for (let i = 0; i < 5; i++) {
      t.llmeter.recorder
        .startOperation({ requestModel: 'gpt-4o' })
        .end({ usage: { inputTokens: 1, outputTokens: 1 } });
    }
    expect(t.spans()).toHaveLength(0);
    const collected = await t.collectMetrics();
    expect(histogramPoints(collected, METRIC.CLIENT_OPERATION_DURATION)[0].value.count).toBe(5);
    expect(await t.metricsText()).toMatch(
      /gen_ai_client_operation_duration_seconds_count\{[^}]*\} 5/,
    );
  });

  it('tracks in-flight requests in llmeter.client.active_requests', async () => {
    const a = t.llmeter.recorder.startOperation({ requestModel: 'gpt-4o' });
    const b = t.llmeter.recorder.startOperation({ requestModel: 'gpt-4o' });
    expect(await t.metricsText()).toMatch(/llmeter_client_active_requests\{[^}]*\} 2/);
    a.end();
    b.fail(new Error('x'));
    b.end();
    expect(await t.metricsText()).toMatch(/llmeter_client_active_requests\{[^}]*\} 0/);
  });

  it('ends only once: later end/fail/chunk calls are ignored', async () => {
    const op = t.llmeter.recorder.startOperation({ requestModel: 'gpt-4o' });
    op.end();
    op.end();
    op.fail(new Error('late'));
    op.chunk();
    expect(t.spans()).toHaveLength(1);
    const collected = await t.collectMetrics();
    expect(histogramPoints(collected, METRIC.CLIENT_OPERATION_DURATION)[0].value.count).toBe(1);
  });
});

describe('recorder: no double counting', () => {
  it('nests an inner operation under an outer one and counts the call once', async () => {
    const outer = t.llmeter.recorder.startOperation({ requestModel: 'gpt-4o', provider: 'openai' });
    const inner = t.llmeter.recorder.startOperation({
      requestModel: 'gpt-4o',
      parentContext: outer.context,
    });
    expect(inner.nested).toBe(true);
    inner.end({ responseModel: 'gpt-4o-2024-08-06', usage: { inputTokens: 50, outputTokens: 5 } });
    outer.end();

    const spans = t.spans();
    expect(spans).toHaveLength(2);
    const innerSpan = spans.find(
      (s) => s.spanContext().spanId === inner.span.spanContext().spanId,
    )!;
    expect(innerSpan.parentSpanContext?.spanId).toBe(outer.span.spanContext().spanId);
    const collected = await t.collectMetrics();
    expect(histogramPoints(collected, METRIC.CLIENT_OPERATION_DURATION)[0].value.count).toBe(1);
    const tokens = histogramPoints(collected, METRIC.CLIENT_TOKEN_USAGE);
    expect(tokens.map((p) => p.value.sum).sort((a, b) => a - b)).toEqual([5, 50]);
    expect(tokens.every((p) => p.attributes[ATTR.RESPONSE_MODEL] === 'gpt-4o-2024-08-06')).toBe(
      true,
    );
    expect(histogramPoints(collected, METRIC.CLIENT_COST).length).toBe(2);
  });
});

describe('helpers: agents, tools, guardrails, evaluations, outcomes', () => {
  it('counts the inference and tool calls made inside an agent invocation', async () => {
    const result = await withAgent('support-agent', async () => {
      await withLLMCall({ requestModel: 'gpt-4o' }, async () => 'plan');
      await withTool({ name: 'get_weather', callId: 'call_1' }, async () => ({ temp: 20 }));
      await expect(
        withTool('get_time', async () => {
          throw new TypeError('clock broken');
        }),
      ).rejects.toThrow('clock broken');
      await withLLMCall({ requestModel: 'gpt-4o' }, async () => 'answer');
      return 'done';
    });
    expect(result).toBe('done');

    const spans = t.spans();
    const agent = spans.find((s) => s.name === 'invoke_agent support-agent')!;
    expect(agent.kind).toBe(SpanKind.INTERNAL);
    const tool = spans.find((s) => s.name === 'execute_tool get_weather')!;
    expect(tool.attributes).toMatchObject({
      [ATTR.TOOL_NAME]: 'get_weather',
      [ATTR.TOOL_CALL_ID]: 'call_1',
    });
    expect(tool.parentSpanContext?.spanId).toBe(agent.spanContext().spanId);
    const failed = spans.find((s) => s.name === 'execute_tool get_time')!;
    expect(failed.attributes[ATTR.ERROR_TYPE]).toBe('TypeError');

    const collected = await t.collectMetrics();
    expect(histogramPoints(collected, METRIC.INVOKE_AGENT_INFERENCE_CALLS)[0].value.sum).toBe(2);
    expect(histogramPoints(collected, METRIC.INVOKE_AGENT_TOOL_CALLS)[0].value.sum).toBe(2);
    const toolDurations = histogramPoints(collected, METRIC.EXECUTE_TOOL_DURATION);
    expect(
      toolDurations.find((p) => p.attributes[ATTR.TOOL_NAME] === 'get_time')?.attributes[
        ATTR.ERROR_TYPE
      ],
    ).toBe('TypeError');
    expect(
      histogramPoints(collected, METRIC.INVOKE_AGENT_DURATION)[0].attributes[ATTR.AGENT_NAME],
    ).toBe('support-agent');
  });

  it('returns the call result unchanged and rethrows the same error object', async () => {
    const value = { a: 1 };
    expect(await withLLMCall({}, async () => value)).toBe(value);
    const error = new Error('boom');
    await expect(withLLMCall({}, async () => Promise.reject(error))).rejects.toBe(error);
    const thrown = Symbol('not an error');
    await expect(withTool('x', () => Promise.reject(thrown))).rejects.toBe(thrown);
  });

  it('records guardrail activations, evaluation results and agent outcomes', async () => {
    const { recordAgentOutcome, recordEvaluation, recordGuardrail } = await import('../src/index');
    const span = t.llmeter.tracer.startSpan('request');
    context.with(trace.setSpan(context.active(), span), () => {
      recordGuardrail({ name: 'pii', action: 'redacted' });
      recordEvaluation({ name: 'hallucination', scoreLabel: 'hallucinated', scoreValue: 0.9 });
    });
    span.end();
    recordAgentOutcome({ agentName: 'support-agent', outcome: 'success' });
    const text = await t.metricsText();
    expect(text).toContain(
      'llmeter_guardrail_activations_total{llmeter_guardrail_name="pii",llmeter_guardrail_action="redacted"} 1',
    );
    expect(text).toContain(
      'llmeter_evaluation_results_total{gen_ai_evaluation_name="hallucination",gen_ai_evaluation_score_label="hallucinated"} 1',
    );
    expect(text).toContain(
      'llmeter_agent_outcomes_total{gen_ai_agent_name="support-agent",llmeter_agent_outcome="success"} 1',
    );
    const request = t.spans().find((s) => s.name === 'request')!;
    expect(request.events.map((e) => e.name)).toEqual([
      'llmeter.guardrail.activation',
      'gen_ai.evaluation.result',
    ]);
  });
});

describe('semconv gen_ai_latest_experimental', () => {
  it('uses the newer instrument names and cache_write attribute', async () => {
    await t.shutdown();
    t = setupInMemory({ semconv: 'latest_experimental' });
    const streamed = t.llmeter.recorder.startOperation({
      requestModel: 'gpt-4o',
      request: { stream: true },
    });
    streamed.chunk();
    streamed.chunk();
    streamed.end({
      usage: {
        inputTokens: 10,
        outputTokens: 3,
        cacheCreationInputTokens: 4,
        cacheReadInputTokens: 2,
        reasoningOutputTokens: 1,
      },
    });
    t.llmeter.recorder
      .startOperation({ operation: 'embeddings', requestModel: 'text-embedding-3-small' })
      .end({
        usage: { inputTokens: 8 },
      });
    t.llmeter.recorder.startOperation({ requestModel: 'gpt-4o' }).fail(new Error('down'));
    const collected = await t.collectMetrics();
    const names = collected.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name));
    expect(names).toEqual(
      expect.arrayContaining([
        'gen_ai.client.inference.duration',
        'gen_ai.client.embeddings.duration',
        'gen_ai.client.inference.usage.input_tokens',
        'gen_ai.client.inference.usage.output_tokens',
        'gen_ai.client.inference.usage.cache_write.input_tokens',
        'gen_ai.client.inference.operation.input_tokens',
        'gen_ai.client.inference.operation.output_tokens',
        'gen_ai.client.embeddings.operation.input_tokens',
        'gen_ai.client.inference.time_to_first_chunk',
        'gen_ai.client.inference.time_per_output_chunk',
        'gen_ai.client.inference.usage.cache_read.input_tokens',
        'gen_ai.client.inference.usage.reasoning.output_tokens',
      ]),
    );
    expect(names).not.toContain('gen_ai.client.operation.duration');
    expect(names).not.toContain('gen_ai.client.token.usage');
    const input = t.metric(collected, 'gen_ai.client.inference.usage.input_tokens')!;
    const unknown = input.dataPoints.find(
      (p) => p.attributes['gen_ai.token.modality'] === 'unknown',
    );
    expect(unknown?.value).toBe(0);
    const span = t
      .spans()
      .find((s) => s.attributes['gen_ai.usage.cache_write.input_tokens'] !== undefined);
    expect(span?.attributes['gen_ai.usage.cache_write.input_tokens']).toBe(4);
    expect(await t.metricsText()).toContain('gen_ai_client_inference_usage_input_tokens_total{');
  });
});
