/**
 * End to end through the public API and the real wire protocols: llmeter
 * exports traces over OTLP/gRPC and metrics over OTLP/HTTP to test receivers
 * that decode the protobuf, while a real Prometheus scrapes the standalone
 * /metrics listener with OpenMetrics and exemplar storage on.
 */
import type { AddressInfo } from 'node:net';
import { getLLMeter, init, type LLMeter, withAgent, withLLMCall, withTool } from '@llmeter/core';
import {
  type OtlpGrpcReceiver,
  type OtlpHttpReceiver,
  startOtlpGrpcReceiver,
  startOtlpHttpReceiver,
} from '@llmeter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPrometheus, type PrometheusHandle, startPrometheus } from './support/prometheus';

const havePrometheus = findPrometheus() !== undefined;
if (!havePrometheus && process.env.CI)
  throw new Error('prometheus is required in CI (.ci/install-system-deps.sh)');

let traces: OtlpGrpcReceiver;
let metrics: OtlpHttpReceiver;
let prometheus: PrometheusHandle | undefined;
let llmeter: LLMeter;

async function traffic() {
  // three chat calls (one streamed, one failed), one embeddings call, one agent with a tool
  for (let i = 0; i < 2; i++) {
    await withLLMCall(
      {
        provider: 'openai',
        requestModel: 'gpt-4o-mini',
        serverAddress: 'api.openai.com',
        serverPort: 443,
      },
      async (op) => {
        op.update({
          responseModel: 'gpt-4o-mini-2024-07-18',
          usage: { inputTokens: 100, outputTokens: 10 },
        });
        return 'ok';
      },
    );
  }
  const start = performance.now();
  const streamed = llmeter.recorder.startOperation({
    requestModel: 'gpt-4o-mini',
    serverAddress: 'api.openai.com',
    serverPort: 443,
    request: { stream: true },
    startTime: start,
  });
  for (const at of [120, 130, 140, 150]) streamed.chunk(start + at);
  streamed.end({
    responseModel: 'gpt-4o-mini-2024-07-18',
    usage: { inputTokens: 50, outputTokens: 4 },
    finishReasons: ['stop'],
  });
  await withLLMCall(
    { requestModel: 'gpt-4o-mini', serverAddress: 'api.openai.com', serverPort: 443 },
    async () => {
      throw Object.assign(new Error('rate limited'), { name: 'RateLimitError' });
    },
  ).catch(() => {});
  await withLLMCall(
    {
      operation: 'embeddings',
      requestModel: 'text-embedding-3-small',
      serverAddress: 'api.openai.com',
      serverPort: 443,
    },
    async (op) => op.update({ usage: { inputTokens: 8 } }),
  );
  await withAgent('support-agent', async () => {
    await withTool({ name: 'get_weather', callId: 'call_1' }, async () => 'sunny');
  });
}

beforeAll(async () => {
  traces = await startOtlpGrpcReceiver();
  metrics = await startOtlpHttpReceiver();
  llmeter = init({
    serviceName: 'e2e-agent',
    serviceVersion: '1.2.3',
    otlpTracesEndpoint: traces.url,
    otlpMetricsEndpoint: metrics.metricsUrl,
    metricExportIntervalMs: 1000,
    metricsPort: 0,
    metricsHost: '127.0.0.1',
    handleSignals: false,
    logger: false,
  });
  const server = llmeter.metricsServer!;
  await new Promise((r) => (server.listening ? r(undefined) : server.once('listening', r)));
  await traffic();
  await llmeter.forceFlush();
  if (havePrometheus) {
    const port = (server.address() as AddressInfo).port;
    prometheus = await startPrometheus({
      targets: [
        { job: 'agent', url: `http://127.0.0.1:${port}/metrics`, scrapeIntervalSeconds: 1 },
      ],
      enableExemplars: true,
    });
    await prometheus.waitForTargetsUp(30_000);
    await prometheus.waitForScrapes(2, 30_000);
  }
}, 90_000);

afterAll(async () => {
  await getLLMeter()?.shutdown();
  await prometheus?.close();
  await traces?.close();
  await metrics?.close();
});

describe('traces over OTLP/gRPC', () => {
  it('arrive decoded with GenAI names, kinds, attributes and status', async () => {
    const spans = await traces.waitFor(
      (r) => (r.spans().length >= 7 ? r.spans() : undefined),
      20_000,
    );
    const chat = spans.filter((s) => s.name === 'chat gpt-4o-mini');
    expect(chat).toHaveLength(4);
    expect(chat.every((s) => s.kindName === 'CLIENT')).toBe(true);
    const ok = chat.find((s) => s.attributes['gen_ai.usage.input_tokens'] === 100)!;
    expect(ok.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'server.address': 'api.openai.com',
      'server.port': 443,
      'gen_ai.usage.output_tokens': 10,
    });
    expect(ok.resource).toMatchObject({ 'service.name': 'e2e-agent', 'service.version': '1.2.3' });
    const failed = chat.find((s) => s.status.code === 2)!;
    expect(failed.attributes['error.type']).toBe('RateLimitError');
    expect(failed.events.map((e) => e.name)).toContain('exception');
    const streamed = chat.find((s) => s.attributes['gen_ai.request.stream'] === true)!;
    expect(streamed.attributes['gen_ai.response.time_to_first_chunk']).toBeCloseTo(0.12, 3);
    expect(spans.find((s) => s.name === 'embeddings text-embedding-3-small')?.kindName).toBe(
      'CLIENT',
    );
    const agent = spans.find((s) => s.name === 'invoke_agent support-agent')!;
    const tool = spans.find((s) => s.name === 'execute_tool get_weather')!;
    expect(agent.kindName).toBe('INTERNAL');
    expect(tool.parentSpanId).toBe(agent.spanId);
  });
});

describe('metrics over OTLP/HTTP', () => {
  it('arrive with the documented names, units, buckets and DELTA temporality', async () => {
    const received = await metrics.waitFor(
      (r) =>
        r.metrics().some((m) => m.name === 'gen_ai.client.operation.duration')
          ? r.metrics()
          : undefined,
      20_000,
    );
    const byName = (name: string) => received.find((m) => m.name === name)!;
    const duration = byName('gen_ai.client.operation.duration');
    expect(duration).toMatchObject({ unit: 's', type: 'histogram', temporality: 'DELTA' });
    if (duration.type !== 'histogram') throw new Error('expected a histogram');
    expect(duration.dataPoints[0].explicitBounds).toEqual([
      0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
    ]);
    const count = duration.dataPoints.reduce((n, p) => n + p.count, 0);
    expect(count).toBe(5); // 4 chat + 1 embeddings
    const tokens = byName('gen_ai.client.token.usage');
    expect(tokens).toMatchObject({ unit: '{token}', type: 'histogram', temporality: 'DELTA' });
    if (tokens.type !== 'histogram') throw new Error('expected a histogram');
    expect(tokens.dataPoints[0].explicitBounds[0]).toBe(1);
    expect(tokens.dataPoints[0].explicitBounds.at(-1)).toBe(67108864);
    expect(byName('gen_ai.client.operation.time_to_first_chunk')).toMatchObject({
      unit: 's',
      temporality: 'DELTA',
    });
    expect(byName('llmeter.client.cost')).toMatchObject({
      unit: '{USD}',
      type: 'sum',
      temporality: 'DELTA',
      isMonotonic: true,
    });
    expect(byName('gen_ai.execute_tool.duration')).toMatchObject({
      unit: 's',
      temporality: 'DELTA',
    });
    expect(byName('gen_ai.invoke_agent.tool_calls')).toMatchObject({ unit: '{tool_call}' });
  });
});

describe.skipIf(!havePrometheus)('Prometheus scraping /metrics', () => {
  it('sees the same totals through PromQL', async () => {
    const p = prometheus!;
    const calls = await p.query(
      'sum(gen_ai_client_operation_duration_seconds_count{gen_ai_operation_name="chat"})',
    );
    expect(calls[0].value).toBe(4);
    const errors = await p.query(
      'sum by (error_type) (gen_ai_client_operation_duration_seconds_count{error_type!=""})',
    );
    expect(errors).toEqual([
      expect.objectContaining({ metric: { error_type: 'RateLimitError' }, value: 1 }),
    ]);
    const input = await p.query(
      'sum(gen_ai_client_token_usage_sum{gen_ai_token_type="input",gen_ai_operation_name="chat"})',
    );
    expect(input[0].value).toBe(250);
    const cost = await p.query('sum(llmeter_client_cost_total)');
    expect(cost[0].value).toBeGreaterThan(0);
    const ttft = await p.query('sum(gen_ai_client_operation_time_to_first_chunk_seconds_count)');
    expect(ttft[0].value).toBe(1);
    const tools = await p.query(
      'sum(gen_ai_execute_tool_duration_seconds_count{gen_ai_tool_name="get_weather"})',
    );
    expect(tools[0].value).toBe(1);
  });

  it('stores the exemplars from the OpenMetrics output, linking latency buckets to traces', async () => {
    const p = prometheus!;
    const now = Date.now() / 1000;
    const series = await p.exemplars(
      'gen_ai_client_operation_duration_seconds_bucket',
      now - 300,
      now + 60,
    );
    const exemplars = series.flatMap((s) => s.exemplars);
    expect(exemplars.length).toBeGreaterThan(0);
    const traceIds = new Set(traces.spans().map((s) => s.traceId));
    expect(exemplars.some((e) => traceIds.has(e.labels.trace_id))).toBe(true);
  });
});
