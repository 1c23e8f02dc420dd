// Turns the service's /metrics text into the demo's rows, and OTLP-received
// spans into the shape the core demo's trace printer draws.
import { histogramQuantile, modelRows } from '../core-demo/prom-text.mjs';

export { modelRows };

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
