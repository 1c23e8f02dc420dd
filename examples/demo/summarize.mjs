// Turns the service's /metrics text into the demo's rows, and OTLP-received
// spans into the shape the core demo's trace printer draws.
import { histogramQuantile } from '../core-demo/prom-text.mjs';

/** One row per request model, from the client-side GenAI series. */
export function modelRows(families) {
  const rows = new Map();
  for (const s of families.samples) {
    const model = s.labels.gen_ai_request_model;
    if (
      !model ||
      (!s.name.startsWith('gen_ai_client_') && !s.name.startsWith('llmeter_client_cost'))
    )
      continue;
    const row = rows.get(model) ?? {
      model,
      requests: 0,
      errors: 0,
      tokensIn: 0,
      tokensOut: 0,
      cost: 0,
    };
    if (s.name === 'gen_ai_client_operation_duration_seconds_count') {
      row.requests += s.value;
      if (s.labels.error_type) row.errors += s.value;
    }
    if (s.name === 'gen_ai_client_token_usage_sum') {
      if (s.labels.gen_ai_token_type === 'input') row.tokensIn += s.value;
      else row.tokensOut += s.value;
    }
    if (s.name === 'llmeter_client_cost_total') row.cost += s.value;
    rows.set(model, row);
  }
  for (const row of rows.values()) {
    const only = (l) => l.gen_ai_request_model === row.model;
    const q = (p, name) => histogramQuantile(p, families, name, only);
    row.ttft50 = q(0.5, 'gen_ai_client_operation_time_to_first_chunk_seconds');
    row.ttft95 = q(0.95, 'gen_ai_client_operation_time_to_first_chunk_seconds');
    row.dur50 = q(0.5, 'gen_ai_client_operation_duration_seconds');
    row.dur95 = q(0.95, 'gen_ai_client_operation_duration_seconds');
  }
  return [...rows.values()].sort((a, b) => a.model.localeCompare(b.model));
}

const sum = (families, name, filter = () => true) =>
  families.samples
    .filter((s) => s.name === name && filter(s.labels))
    .reduce((total, s) => total + s.value, 0);

/** Agent invocations, tool calls by tool (and how many failed), and the served route. */
export function agentSummary(families) {
  const tools = new Map();
  for (const s of families.samples) {
    if (s.name !== 'gen_ai_execute_tool_duration_seconds_count') continue;
    const tool = tools.get(s.labels.gen_ai_tool_name) ?? { calls: 0, failed: 0 };
    tool.calls += s.value;
    if (s.labels.error_type) tool.failed += s.value;
    tools.set(s.labels.gen_ai_tool_name, tool);
  }
  return {
    invocations: sum(families, 'gen_ai_invoke_agent_duration_seconds_count'),
    agentP50: histogramQuantile(0.5, families, 'gen_ai_invoke_agent_duration_seconds', () => true),
    tools,
    served: sum(families, 'gen_ai_server_request_duration_seconds_count'),
    servedTtft50: histogramQuantile(
      0.5,
      families,
      'gen_ai_server_time_to_first_token_seconds',
      () => true,
    ),
    servedTpot50: histogramQuantile(
      0.5,
      families,
      'gen_ai_server_time_per_output_token_seconds',
      () => true,
    ),
  };
}

/** A span received over OTLP, in the shape of an SDK ReadableSpan (what printTrace reads). */
export function asReadableSpan(span) {
  const start = BigInt(span.startTimeUnixNano);
  const durationNs = BigInt(span.endTimeUnixNano) - start;
  const hr = (ns) => [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
  return {
    name: span.name,
    kind: span.kind,
    attributes: span.attributes,
    status: span.status,
    startTime: hr(start),
    duration: hr(durationNs),
    spanContext: () => ({ traceId: span.traceId, spanId: span.spanId }),
    parentSpanContext: span.parentSpanId ? { spanId: span.parentSpanId } : undefined,
  };
}
