// Terminal output for the demo: a progress bar, the per-model table, a trace tree.
const tty = process.stdout.isTTY;

export function progress(done, total, unit = 'requests') {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${unit}`;
  if (tty) process.stdout.write(`\r${bar}${done === total ? '\n' : ''}`);
  else if (done === total) console.log(bar);
}

const ms = (s) => (s === undefined ? '-' : `${Math.round(s * 1000)} ms`);

/** `calls`: what the second column counts (the core demo's rows are requests). */
export function printTable(rows, { calls = 'requests' } = {}) {
  const header = [
    'model',
    calls,
    'error %',
    'ttft p50',
    'ttft p95',
    'dur p50',
    'dur p95',
    'tokens in',
    'tokens out',
    'cost $',
  ];
  const body = rows.map((r) => [
    r.model,
    String(r.requests),
    `${((100 * r.errors) / Math.max(r.requests, 1)).toFixed(1)}`,
    ms(r.ttft50),
    ms(r.ttft95),
    ms(r.dur50),
    ms(r.dur95),
    String(r.tokensIn),
    String(r.tokensOut),
    r.cost.toFixed(6),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log('\nPer model (from llmeter /metrics)');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) console.log(line(row));
}

export function printTrace(spans, root) {
  if (!root) return;
  const traceId = root.spanContext().traceId;
  const inTrace = spans.filter((s) => s.spanContext().traceId === traceId);
  const children = (id) =>
    inTrace
      .filter((s) => s.parentSpanContext?.spanId === id)
      .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
  const duration = (s) => (s.duration[0] * 1e3 + s.duration[1] / 1e6).toFixed(1);
  console.log(`\nTrace ${traceId}`);
  const walk = (span, depth) => {
    const failed = span.status.code === 2 ? `  ✗ ${span.attributes['error.type']}` : '';
    const tokens =
      span.attributes['gen_ai.usage.input_tokens'] !== undefined
        ? `  tokens ${span.attributes['gen_ai.usage.input_tokens']}→${span.attributes['gen_ai.usage.output_tokens']}`
        : '';
    const ttft = span.attributes['gen_ai.response.time_to_first_chunk'];
    const first = ttft === undefined ? '' : `  ttft ${Math.round(ttft * 1000)} ms`;
    console.log(
      `${'  '.repeat(depth)}${span.name}  ${duration(span)} ms${first}${tokens}${failed}`,
    );
    for (const child of children(span.spanContext().spanId)) walk(child, depth + 1);
  };
  walk(root, 0);
}
