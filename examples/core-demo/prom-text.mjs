// Just enough of the Prometheus text format to build the demo's table.
export function parsePrometheusText(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)/.exec(line);
    if (!match) continue;
    const labels = {};
    for (const [, k, v] of (match[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v;
    samples.push({ name: match[1], labels, value: Number(match[4]) });
  }
  return { samples };
}

/** Prometheus's histogram_quantile over the buckets of the series matching `filter`, summed. */
export function histogramQuantile(q, families, name, filter) {
  const buckets = new Map();
  for (const s of families.samples) {
    if (s.name !== `${name}_bucket` || !filter(s.labels)) continue;
    const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
    buckets.set(le, (buckets.get(le) ?? 0) + s.value);
  }
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total === 0) return undefined;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of sorted) {
    if (count >= rank) {
      if (le === Number.POSITIVE_INFINITY) return prevLe;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(count - prevCount, 1e-9);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

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
