/**
 * The example agent service (examples/agent-service), run as its own process
 * on the built packages exactly as `node src/server.mjs` runs it, against its
 * embedded mock LLM, exporting traces over OTLP/gRPC and metrics over
 * OTLP/HTTP to test receivers. Checks what an operator would look at: its
 * /metrics, the span tree of a request that runs the agent, and the exported
 * delta metrics after a graceful SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import {
  type OtlpGrpcReceiver,
  type OtlpHttpReceiver,
  type ReceivedSpan,
  startOtlpGrpcReceiver,
  startOtlpHttpReceiver,
} from '@llmeter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helpers without type declarations
import { ISOLATED_ENV, launchAgentService } from '../examples/agent-service/launch.mjs';
// @ts-expect-error plain ESM helpers without type declarations
import { parsePrometheusText } from '../examples/core-demo/prom-text.mjs';

type Sample = { name: string; labels: Record<string, string>; value: number };
type Service = Awaited<ReturnType<typeof launchAgentService>>;

let traces: OtlpGrpcReceiver;
let metrics: OtlpHttpReceiver;
let service: Service;
let samples: Sample[];
let exit: { code: number | null; signal: string | null };
const answers: Record<string, { status: number; body: string }> = {};

const traceId = randomBytes(16).toString('hex');
const callerSpanId = randomBytes(8).toString('hex');

async function post(
  key: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${service.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  answers[key] = { status: response.status, body: await response.text() };
}

/** Sum of the samples of `name` whose labels include `labels`. */
function total(name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}

beforeAll(async () => {
  traces = await startOtlpGrpcReceiver();
  metrics = await startOtlpHttpReceiver();
  service = await launchAgentService({
    env: {
      ...ISOLATED_ENV,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: traces.url,
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: metrics.metricsUrl,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_METRIC_EXPORT_INTERVAL: '60000', // the last export comes with the SIGTERM flush
    },
  });

  // The agent calls both tools; get_time fails on an unknown time zone. The
  // caller's traceparent makes the request span a child of theirs.
  await post(
    'agent',
    '/agent',
    { question: 'Weather in Lisbon and the time on Mars? (get_weather, get_time)' },
    {
      traceparent: `00-${traceId}-${callerSpanId}-01`,
      'x-mock-tool-arguments': JSON.stringify({ city: 'Lisbon', timezone: 'Mars/Olympus_Mons' }),
    },
  );
  await post('agentNoTool', '/agent', { question: 'Hello! Reply to ada@example.com.' });
  await post('badAgent', '/agent', { nothing: true });
  await post('stream', '/chat/stream', { message: 'Hi' }, { 'x-mock-first-chunk-delay-ms': '100' });
  await post('rateLimited', '/chat/stream', { message: 'Hi' }, { 'x-mock-error-status': '429' });
  const completion = {
    model: 'gpt-4.1-mini',
    messages: [{ role: 'user', content: 'Hi' }],
  };
  await post('servedJson', '/v1/chat/completions', completion);
  await post(
    'servedSse',
    '/v1/chat/completions',
    { ...completion, stream: true, stream_options: { include_usage: true } },
    { 'x-mock-first-chunk-delay-ms': '120' },
  );
  samples = parsePrometheusText(await (await fetch(`${service.url}/metrics`)).text()).samples;
}, 60_000);

afterAll(async () => {
  await service?.stop(2000);
  await traces?.close();
  await metrics?.close();
});

describe('the agent service answers', () => {
  it('runs the agent, which survives a failing tool', () => {
    expect(answers.agent.status).toBe(200);
    expect(JSON.parse(answers.agent.body).tools).toEqual([
      { name: 'get_weather', ok: true },
      { name: 'get_time', ok: false },
    ]);
    expect(JSON.parse(answers.agentNoTool.body).tools).toEqual([]);
    expect(answers.badAgent.status).toBe(400);
  });

  it('streams server-sent events, and passes an upstream 429 on as a 429', () => {
    expect(answers.stream.status).toBe(200);
    expect(answers.stream.body).toMatch(/^data: \{"content":"This"\}\n\n/);
    expect(answers.stream.body).toMatch(/event: done\ndata: \{"usage":\{"prompt_tokens":\d+/);
    expect(answers.rateLimited.status).toBe(429);
  });

  it('serves an OpenAI-compatible route, JSON and SSE', () => {
    expect(JSON.parse(answers.servedJson.body)).toMatchObject({ object: 'chat.completion' });
    expect(answers.servedSse.body).toContain('"object":"chat.completion.chunk"');
    expect(answers.servedSse.body.endsWith('data: [DONE]\n\n')).toBe(true);
  });
});

describe('its /metrics', () => {
  it('counts agent runs and tool calls, failures included', () => {
    const agent = { gen_ai_agent_name: 'weather-agent' };
    expect(total('gen_ai_invoke_agent_duration_seconds_count', agent)).toBe(2);
    expect(total('gen_ai_invoke_agent_tool_calls_sum', agent)).toBe(2);
    expect(total('gen_ai_invoke_agent_inference_calls_sum', agent)).toBe(3);
    expect(
      total('gen_ai_execute_tool_duration_seconds_count', { gen_ai_tool_name: 'get_weather' }),
    ).toBe(1);
    const failed = samples.filter(
      (s) =>
        s.name === 'gen_ai_execute_tool_duration_seconds_count' &&
        s.labels.gen_ai_tool_name === 'get_time',
    );
    expect(failed).toEqual([expect.objectContaining({ value: 1 })]);
    expect(failed[0].labels.error_type).toBe('RangeError');
  });

  it('records each run’s outcome and answer evaluation, and the PII guardrail redacting', () => {
    const agent = { gen_ai_agent_name: 'weather-agent' };
    // The run whose get_time failed answered, but did not fully succeed.
    expect(
      total('llmeter_agent_outcomes_total', { ...agent, llmeter_agent_outcome: 'failure' }),
    ).toBe(1);
    expect(
      total('llmeter_agent_outcomes_total', { ...agent, llmeter_agent_outcome: 'success' }),
    ).toBe(1);
    expect(
      total('llmeter_evaluation_results_total', {
        gen_ai_evaluation_name: 'answer_present',
        gen_ai_evaluation_score_label: 'pass',
      }),
    ).toBe(2);
    expect(
      total('llmeter_guardrail_activations_total', {
        llmeter_guardrail_name: 'pii',
        llmeter_guardrail_action: 'redacted',
      }),
    ).toBe(1);
  });

  it('measures time to first chunk of the streaming route from the request', () => {
    const model = { gen_ai_request_model: 'gpt-4o' };
    expect(total('gen_ai_client_operation_time_to_first_chunk_seconds_count', model)).toBe(1);
    const ttft = total('gen_ai_client_operation_time_to_first_chunk_seconds_sum', model);
    expect(ttft).toBeGreaterThanOrEqual(0.1);
    const ok = samples.find(
      (s) =>
        s.name === 'gen_ai_client_operation_duration_seconds_sum' &&
        s.labels.gen_ai_request_model === 'gpt-4o' &&
        !s.labels.error_type,
    )!;
    expect(ttft).toBeLessThan(ok.value);
    expect(total('gen_ai_client_token_usage_sum', { ...model, gen_ai_token_type: 'output' })).toBe(
      12,
    );
    expect(total('llmeter_client_cost_total', model)).toBeGreaterThan(0);
  });

  it('records the upstream 429 as a failed call', () => {
    const failed = samples.filter(
      (s) =>
        s.name === 'gen_ai_client_operation_duration_seconds_count' &&
        s.labels.gen_ai_request_model === 'gpt-4o' &&
        s.labels.error_type,
    );
    expect(failed).toHaveLength(1);
    expect(failed[0].value).toBe(1);
  });

  it('measures the served route from what it wrote', () => {
    const served = { gen_ai_request_model: 'gpt-4.1-mini' };
    expect(total('gen_ai_server_request_duration_seconds_count', served)).toBe(2);
    // Only the streamed answer has a first token to time; it came after the injected 120 ms.
    expect(total('gen_ai_server_time_to_first_token_seconds_count', served)).toBe(1);
    expect(total('gen_ai_server_time_to_first_token_seconds_sum', served)).toBeGreaterThanOrEqual(
      0.12,
    );
    expect(total('gen_ai_server_time_per_output_token_seconds_count', served)).toBeGreaterThan(0);
    // The upstream calls it proxied are client calls of this service.
    expect(total('gen_ai_client_operation_duration_seconds_count', served)).toBe(2);
  });
});

describe('its OTLP export', () => {
  let spans: ReceivedSpan[];
  beforeAll(async () => {
    spans = await traces.waitFor((r) => {
      const inTrace = r.spans().filter((s) => s.traceId === traceId);
      return inTrace.some((s) => s.kindName === 'SERVER') ? inTrace : undefined;
    }, 15_000);
  });

  it('draws the agent request as request → invoke_agent → chat / execute_tool', () => {
    const server = spans.find((s) => s.kindName === 'SERVER')!;
    expect(server.name).toBe('POST /agent');
    expect(server.parentSpanId).toBe(callerSpanId);
    expect(server.resource['service.name']).toBe('agent-service');

    const agent = spans.find((s) => s.name === 'invoke_agent weather-agent')!;
    expect(agent.kindName).toBe('INTERNAL');
    expect(agent.parentSpanId).toBe(server.spanId);

    const children = spans.filter((s) => s.parentSpanId === agent.spanId).map((s) => s.name);
    expect(children.sort()).toEqual([
      'chat gpt-4o-mini',
      'chat gpt-4o-mini',
      'execute_tool get_time',
      'execute_tool get_weather',
    ]);
    const chat = spans.find((s) => s.name === 'chat gpt-4o-mini')!;
    expect(chat.kindName).toBe('CLIENT');
    expect(chat.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'server.address': '127.0.0.1',
    });
    expect(chat.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    const failedTool = spans.find((s) => s.name === 'execute_tool get_time')!;
    expect(failedTool.status.code).toBe(2);
    expect(failedTool.attributes['error.type']).toBe('RangeError');
    expect(spans.find((s) => s.name === 'execute_tool get_weather')!.status.code).not.toBe(2);
  });

  it('puts the direct streaming call and the proxied call under their requests', async () => {
    const all = await traces.waitFor((r) => {
      const s = r.spans();
      const done = ['POST /chat/stream', 'POST /v1/chat/completions'].every(
        (name) => s.filter((x) => x.name === name).length === 2,
      );
      return done ? s : undefined;
    }, 15_000);
    const streamed = all.find(
      (s) => s.name === 'chat gpt-4o' && s.attributes['gen_ai.response.time_to_first_chunk'],
    )!;
    const parent = all.find((s) => s.spanId === streamed.parentSpanId)!;
    expect(parent.name).toBe('POST /chat/stream');
    expect(streamed.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThanOrEqual(0.1);
    const limited = all.find((s) => s.name === 'chat gpt-4o' && s.status.code === 2)!;
    expect(all.find((s) => s.spanId === limited.parentSpanId)?.name).toBe('POST /chat/stream');
    const proxied = all.filter((s) => s.name === 'chat gpt-4.1-mini');
    expect(proxied).toHaveLength(2);
    for (const span of proxied)
      expect(all.find((s) => s.spanId === span.parentSpanId)?.name).toBe(
        'POST /v1/chat/completions',
      );
  });

  it('flushes DELTA metrics on SIGTERM and exits cleanly', async () => {
    exit = await service.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    const received = await metrics.waitFor(
      (r) =>
        r.metrics().some((m) => m.name === 'gen_ai.invoke_agent.duration')
          ? r.metrics()
          : undefined,
      10_000,
    );
    const histograms = received.filter((m) => m.type === 'histogram');
    expect(histograms.length).toBeGreaterThan(0);
    expect(new Set(histograms.map((m) => m.temporality))).toEqual(new Set(['DELTA']));
    const count = (name: string) =>
      received
        .filter((m) => m.name === name)
        .flatMap((m) => m.dataPoints as { count: number }[])
        .reduce((n, p) => n + p.count, 0);
    expect(count('gen_ai.invoke_agent.duration')).toBe(2);
    expect(count('gen_ai.execute_tool.duration')).toBe(2);
    expect(count('gen_ai.server.request.duration')).toBe(2);
    expect(count('gen_ai.client.operation.time_to_first_chunk')).toBe(2); // /chat/stream + served SSE
    expect(received.find((m) => m.name === 'gen_ai.client.token.usage')?.resource).toMatchObject({
      'service.name': 'agent-service',
    });
  });
});
