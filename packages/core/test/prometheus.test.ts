import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { instrumentsFor, prometheusName } from '../src/internal';

let t: InMemoryLLMeter | undefined;
afterEach(async () => {
  await t?.shutdown();
  t = undefined;
});

function get(port: number, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

function record(t: InMemoryLLMeter) {
  const start = performance.now();
  const op = t.llmeter.recorder.startOperation({
    requestModel: 'gpt-4o-mini',
    serverAddress: 'api.openai.com',
    serverPort: 443,
    request: { stream: true },
    startTime: start,
  });
  op.chunk(start + 50);
  op.chunk(start + 60);
  op.end({
    responseModel: 'gpt-4o-mini-2024-07-18',
    usage: { inputTokens: 100, outputTokens: 20 },
  });
  return op;
}

describe('/metrics names', () => {
  it('translates OTLP names exactly as the collector does (TELEMETRY.md table)', () => {
    const defs = instrumentsFor('v1.41.1');
    const names = Object.fromEntries(Object.values(defs).map((d) => [d.name, prometheusName(d)]));
    expect(names).toMatchObject({
      'gen_ai.client.token.usage': 'gen_ai_client_token_usage',
      'gen_ai.client.operation.duration': 'gen_ai_client_operation_duration_seconds',
      'gen_ai.client.operation.time_to_first_chunk':
        'gen_ai_client_operation_time_to_first_chunk_seconds',
      'gen_ai.client.operation.time_per_output_chunk':
        'gen_ai_client_operation_time_per_output_chunk_seconds',
      'llmeter.client.cost': 'llmeter_client_cost_total',
      'llmeter.client.active_requests': 'llmeter_client_active_requests',
      'llmeter.guardrail.activations': 'llmeter_guardrail_activations_total',
      'llmeter.evaluation.results': 'llmeter_evaluation_results_total',
      'llmeter.agent.outcomes': 'llmeter_agent_outcomes_total',
    });
  });

  it('serves the series with the documented labels in Prometheus text format', async () => {
    t = setupInMemory();
    record(t);
    const text = await t.metricsText(false);
    expect(text).toContain('# TYPE gen_ai_client_operation_duration_seconds histogram');
    expect(text).toMatch(
      /gen_ai_client_token_usage_sum\{gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o-mini",gen_ai_response_model="gpt-4o-mini-2024-07-18",server_address="api.openai.com",server_port="443",gen_ai_token_type="input"\} 100/,
    );
    expect(text).toContain('# TYPE llmeter_client_cost_total counter');
    expect(text).toMatch(/llmeter_client_cost_total\{[^}]*gen_ai_token_type="output"\} \d/);
    expect(text).toMatch(/gen_ai_client_operation_time_to_first_chunk_seconds_count\{[^}]*\} 1/);
    expect(text).toMatch(/gen_ai_client_operation_time_per_output_chunk_seconds_count\{[^}]*\} 1/);
    expect(text).not.toContain('# EOF');
    expect(text).not.toContain(' # {'); // no exemplars in the Prometheus text format
  });

  it('serves OpenMetrics with trace exemplars on duration and time-to-first-chunk buckets', async () => {
    t = setupInMemory();
    const op = record(t);
    const { traceId, spanId } = op.span.spanContext();
    const text = await t.metricsText(true);
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(text).toContain('# TYPE llmeter_client_cost counter');
    expect(text).toMatch(/llmeter_client_cost_total\{/);
    const exemplar = `# {trace_id="${traceId}",span_id="${spanId}"}`;
    const withExemplar = text.split('\n').filter((l) => l.includes(exemplar));
    expect(
      withExemplar.some((l) => l.startsWith('gen_ai_client_operation_duration_seconds_bucket')),
    ).toBe(true);
    expect(
      withExemplar.some((l) =>
        l.startsWith('gen_ai_client_operation_time_to_first_chunk_seconds_bucket'),
      ),
    ).toBe(true);
  });
});

describe('/metrics handler and listener', () => {
  it('negotiates the format from the Accept header and requires the bearer token when set', async () => {
    t = setupInMemory({ metricsPort: 0, metricsHost: '127.0.0.1', metricsToken: 's3cret' });
    record(t);
    const server = t.llmeter.metricsServer!;
    await new Promise((r) => (server.listening ? r(undefined) : server.once('listening', r)));
    const port = (server.address() as AddressInfo).port;

    expect((await get(port, '/metrics')).status).toBe(401);
    expect((await get(port, '/metrics', { authorization: 'Bearer wrong' })).status).toBe(401);
    const text = await get(port, '/metrics', { authorization: 'Bearer s3cret' });
    expect(text.status).toBe(200);
    expect(text.type).toContain('text/plain; version=0.0.4');
    const om = await get(port, '/metrics', {
      authorization: 'Bearer s3cret',
      accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5',
    });
    expect(om.type).toContain('application/openmetrics-text');
    expect(om.body).toContain('# EOF');
    expect((await get(port, '/other', { authorization: 'Bearer s3cret' })).status).toBe(404);
  });

  it('exposes the GPU UUIDs from NVIDIA_VISIBLE_DEVICES as an info series joinable on UUID', async () => {
    process.env.NVIDIA_VISIBLE_DEVICES =
      'GPU-6a8c1f2e-0000-4b7e-9d0a-123456789abc,GPU-11111111-2222-3333-4444-555555555555';
    try {
      t = setupInMemory();
      const text = await t.metricsText();
      expect(text).toContain('llmeter_gpu_info{UUID="GPU-6a8c1f2e-0000-4b7e-9d0a-123456789abc"} 1');
      expect(text).toContain('llmeter_gpu_info{UUID="GPU-11111111-2222-3333-4444-555555555555"} 1');
    } finally {
      delete process.env.NVIDIA_VISIBLE_DEVICES;
    }
  });

  it('adds Node process metrics on request', async () => {
    t = setupInMemory({ processMetrics: true });
    expect(await t.metricsText()).toContain('process_cpu_user_seconds_total');
  });
});
