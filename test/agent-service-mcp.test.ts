/**
 * The example agent service's MCP tool (examples/agent-service/src/mcp-forecast.mjs):
 * the agent's get_forecast goes through an instrumented MCP client to an
 * instrumented local MCP server. Run as its own process on the built packages,
 * against the embedded mock LLM, traces to an OTLP/gRPC test receiver.
 */
import { randomBytes } from 'node:crypto';
import { type OtlpGrpcReceiver, type ReceivedSpan, startOtlpGrpcReceiver } from '@llmeter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helpers without type declarations
import { ISOLATED_ENV, launchAgentService } from '../examples/agent-service/launch.mjs';
// @ts-expect-error plain ESM helpers without type declarations
import { parsePrometheusText } from '../examples/core-demo/prom-text.mjs';

type Sample = { name: string; labels: Record<string, string>; value: number };

let traces: OtlpGrpcReceiver;
let service: Awaited<ReturnType<typeof launchAgentService>>;
let answer: { status: number; body: string };
let samples: Sample[];
let spans: ReceivedSpan[];
const traceId = randomBytes(16).toString('hex');

beforeAll(async () => {
  traces = await startOtlpGrpcReceiver();
  service = await launchAgentService({
    env: {
      ...ISOLATED_ENV,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: traces.url,
      OTEL_METRICS_EXPORTER: 'prometheus',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    },
  });
  const response = await fetch(`${service.url}/agent`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      'x-mock-tool-arguments': JSON.stringify({ city: 'Lisbon', days: 2 }),
    },
    body: JSON.stringify({ question: 'Forecast for Lisbon? (get_forecast)' }),
  });
  answer = { status: response.status, body: await response.text() };
  samples = parsePrometheusText(await (await fetch(`${service.url}/metrics`)).text()).samples;
  spans = await traces.waitFor((r) => {
    const inTrace = r.spans().filter((s) => s.traceId === traceId);
    return inTrace.filter((s) => s.name === 'tools/call get_forecast').length === 2 &&
      inTrace.some((s) => s.name === 'POST /agent')
      ? inTrace
      : undefined;
  }, 15_000);
}, 60_000);

afterAll(async () => {
  await service?.stop(2000);
  await traces?.close();
});

function total(name: string, labels: Record<string, string>): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}

describe('the agent service MCP tool', () => {
  it('answers through the MCP server', () => {
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).tools).toEqual([{ name: 'get_forecast', ok: true }]);
  });

  it('shows the MCP hop in the request trace: client span, then the server span under it', () => {
    const client = spans.find(
      (s) => s.name === 'tools/call get_forecast' && s.kindName === 'CLIENT',
    );
    const server = spans.find(
      (s) => s.name === 'tools/call get_forecast' && s.kindName === 'SERVER',
    );
    expect(client).toBeDefined();
    expect(server?.parentSpanId).toBe(client?.spanId);
    expect(server?.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'get_forecast',
      'gen_ai.operation.name': 'execute_tool',
    });
    const ids = new Set(spans.map((s) => s.spanId));
    expect(ids.has(client?.parentSpanId ?? '')).toBe(true);
  });

  it('counts the tool once as the agent tool, and the MCP operation on each side', () => {
    expect(
      total('gen_ai_execute_tool_duration_seconds_count', { gen_ai_tool_name: 'get_forecast' }),
    ).toBe(1);
    const labels = { mcp_method_name: 'tools/call', gen_ai_tool_name: 'get_forecast' };
    expect(total('mcp_client_operation_duration_seconds_count', labels)).toBe(1);
    expect(total('mcp_server_operation_duration_seconds_count', labels)).toBe(1);
  });
});
