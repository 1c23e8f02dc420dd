// Turns the variants' figures into the markdown of RESULTS.md.

const NOTES = `## Notes

- **Peers run on openai 6 only**: \`@opentelemetry/instrumentation-openai\` and \`@traceloop/node-server-sdk\` both declare \`openai < 7\`. Both were installed and ran here, and produced a span per call; Traceloop with its defaults (content tracing on), the contrib instrumentation with its default metrics.
- **Noise**: the development machine is shared with other work, so figures taken in separate processes carry tens of µs of noise per call (two runs of this benchmark differed by up to ±50 µs in the sequential column), even with best-of-rounds and two passes. The interleaved in-memory figures below are the precise measure of llmeter's own cost; the cross-process table is the end-to-end picture.
- **Throughput at concurrency 64** is CPU-bound in the client here (two cores: the client process and the mock server), so it falls in proportion to the CPU added per call: a 0.93× budget means at most ~7 % more CPU per call, about 20 µs at this client's cost per call.
- **What is left of the budget**: llmeter's metrics no longer go through the OTel SDK's instruments (core aggregates once for \`/metrics\` and the OTel readers) and the log line is written in 10 ms batches; llmeter's own logger writes the line itself (not through pino's generic path); what remains is spread over the span (the OTel SDK's attribute cleaning allocates per value), the recorder and adapter, each a few to ~20 µs in the client flow, and the garbage collection their allocation brings (under callgrind about half of llmeter's added instructions are collector work). Heap samples are taken after the span batch is exported; see README.md, Findings, for the instruction counts and what to cut next.
- **Heap with the log line**: \`llm_call_completed\` goes through pino's asynchronous SonicBoom in 10 ms batches; its buffer is bounded (\`LLMETER_LOG_BUFFER_BYTES\`, 16 MiB, lines past it dropped and counted in \`llmeter_sdk_log_lines_dropped_total\`), so the heap with the log line can grow by at most that much while the load lasts and returns once it stops. Without the log line llmeter's heap is flat.
`;

export const BUDGET = {
  usPerCall: 25,
  usPerChunk: 1,
  throughputRatio: 0.93,
  /** "No heap growth trend": over 100k calls, at most this much more growth than the baseline. */
  heapBytesPer100k: 2 * 1024 * 1024,
};

const LABEL = {
  baseline: 'baseline (no instrumentation)',
  llmeter: 'llmeter (spans + OTLP metrics + /metrics)',
  'llmeter+log': 'llmeter + llm_call_completed log line',
  otel: '@opentelemetry/instrumentation-openai',
  traceloop: '@traceloop/node-server-sdk',
};

/** Short names for the budget tables. */
const SHORT = {
  llmeter: 'llmeter',
  'llmeter+log': 'llmeter + log line',
  otel: 'contrib',
  traceloop: 'Traceloop',
};
const LLMETER_VARIANTS = ['llmeter', 'llmeter+log'];
const PEERS = ['otel', 'traceloop'];

const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const signed = (n, digits = 1) =>
  Number.isFinite(n) ? `${n >= 0 ? '+' : ''}${n.toFixed(digits)}` : 'n/a';
const version = (pkg) => (pkg === 'openai6' ? '6' : '7');

function overheads(r, base) {
  return {
    seq: r.seqUsPerCall - base.seqUsPerCall,
    conc: r.concUsPerCall - base.concUsPerCall,
    chunk: r.usPerChunk - base.usPerChunk,
    stream32: r.stream32UsPerStream - base.stream32UsPerStream,
    throughput: r.throughputPerS / base.throughputPerS,
    heapPer100k: (r.heapSlopeBytesPerCall - base.heapSlopeBytesPerCall) * 100_000,
  };
}

function telemetryText(t = {}) {
  const parts = [];
  if (t.spans !== undefined) parts.push(`${t.spans} spans`);
  if (t.metricExports !== undefined) parts.push(`${t.metricExports} metric exports`);
  if (t.promDurations !== undefined) parts.push(`/metrics count ${t.promDurations}`);
  return parts.join(', ') || '—';
}

export function renderResults(results, info, { quick, appendix = '' }) {
  const lines = [];
  lines.push('# OpenAI adapter benchmark');
  lines.push('');
  lines.push(
    `${quick ? 'Quick run (smoke sizes, not for comparison)' : 'Full run'} on ${info.date.slice(0, 10)} (${info.date}).`,
  );
  lines.push('');
  lines.push(`- Machine: \`${info.uname}\``);
  lines.push(`- CPU: ${info.cpuModel}, ${info.cpus} cores`);
  lines.push(`- Node: ${info.node}`);
  lines.push(
    `- openai ${info.openai7} (baseline and llmeter) and ${info.openai6} (every variant: both peers support openai < 7 only)`,
  );
  const sizes = results.find((r) => r.sizes)?.sizes;
  if (sizes) {
    lines.push(
      `- Sizes: ${sizes.rounds} rounds (best round, best of ${results.find((r) => r.passes)?.passes ?? 1} passes) of ${sizes.sequential} sequential calls, ${sizes.concurrent} calls at concurrency 64, ${sizes.streams32} streams of 32 chunks, ${sizes.streams256} of 256 chunks; heap over ${sizes.heapCalls.toLocaleString('en')} calls at concurrency 64`,
    );
  }
  lines.push('');
  lines.push(
    "CPU is the variant process's user + system time (`process.cpuUsage()`, all threads) per call; the mock server runs in another process. Δ is the overhead over the baseline on the same openai major. CPU per chunk is the slope between the 32- and 256-chunk streams, so it excludes the per-call cost. Heap is `heapUsed` every tenth of the run, sampled after the variant's span batch is exported (what a batch processor holds until its next export is bounded, not a trend) and two full GCs a turn apart; the slope is a least-squares fit.",
  );
  lines.push('');
  lines.push(
    '| variant | openai | CPU µs/call, sequential (Δ) | CPU µs/call, concurrency 64 (Δ) | CPU µs/chunk (Δ) | CPU µs per 32-chunk stream (Δ) | throughput at 64, calls/s (× baseline) | heap slope, B/call (Δ per 100k calls) | telemetry produced |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|');
  const measured = (variant, pkg) =>
    results.find((r) => r.variant === variant && r.pkg === pkg && !r.error);
  const baseOf = (pkg) => measured('baseline', pkg);
  for (const r of results) {
    if (r.error) {
      lines.push(
        `| ${LABEL[r.variant] ?? r.variant} | ${version(r.pkg)} | failed: ${r.error.split('\n')[0].slice(0, 200)} | | | | | | |`,
      );
      continue;
    }
    const base = baseOf(r.pkg);
    const d = base ? overheads(r, base) : undefined;
    const cell = (value, delta, digits = 1) =>
      r.variant === 'baseline' || !d
        ? fmt(value, digits)
        : `${fmt(value, digits)} (${signed(delta, digits)})`;
    lines.push(
      `| ${LABEL[r.variant] ?? r.variant} | ${version(r.pkg)} | ${cell(r.seqUsPerCall, d?.seq)} | ${cell(r.concUsPerCall, d?.conc)} | ${cell(r.usPerChunk, d?.chunk, 2)} | ${cell(r.stream32UsPerStream, d?.stream32, 0)} | ${fmt(r.throughputPerS, 0)}${r.variant === 'baseline' || !d ? '' : ` (${fmt(d.throughput, 3)}×)`} | ${fmt(r.heapSlopeBytesPerCall, 2)}${r.variant === 'baseline' || !d ? '' : ` (${signed(d.heapPer100k / 1024, 0)} KiB)`} | ${telemetryText(r.telemetry)} |`,
    );
  }
  lines.push('');
  lines.push('## llmeter against its budget');
  lines.push('');
  lines.push(
    "`init()`'s defaults include the log line (the `llmeter + log line` rows); the `llmeter` rows are the same without it.",
  );
  lines.push('');
  lines.push(
    '| openai | llmeter | CPU/call sequential ≤ 25 µs | CPU/call at 64 ≤ 25 µs | CPU/chunk ≤ 1 µs | throughput ≥ 0.93× | no heap growth trend (≤ 2 MiB/100k over baseline) |',
  );
  lines.push('|---|---|---|---|---|---|---|');
  const mark = (ok) => (ok ? '✅' : '❌');
  for (const pkg of ['openai', 'openai6']) {
    const base = baseOf(pkg);
    for (const variant of LLMETER_VARIANTS) {
      const r = measured(variant, pkg);
      if (!base || !r) continue;
      const d = overheads(r, base);
      lines.push(
        `| ${version(pkg)} | ${SHORT[variant]} | ${mark(d.seq <= BUDGET.usPerCall)} ${signed(d.seq)} µs | ${mark(d.conc <= BUDGET.usPerCall)} ${signed(d.conc)} µs | ${mark(d.chunk <= BUDGET.usPerChunk)} ${signed(d.chunk, 2)} µs | ${mark(d.throughput >= BUDGET.throughputRatio)} ${fmt(d.throughput, 3)}× | ${mark(d.heapPer100k <= BUDGET.heapBytesPer100k)} ${signed(d.heapPer100k / 1024, 0)} KiB |`,
      );
    }
  }
  lines.push('');
  const base6 = baseOf('openai6');
  const peers = PEERS.map((v) => measured(v, 'openai6')).filter(Boolean);
  if (base6 && peers.length > 0) {
    lines.push('## llmeter against the best peer (openai 6, this run)');
    lines.push('');
    lines.push(
      "The budget: below the best peer's overhead per call and at least its throughput ratio; each column names the peer that did best in it.",
    );
    lines.push('');
    lines.push(
      '| llmeter | CPU/call sequential (best peer) | CPU/call at 64 (best peer) | CPU/chunk (best peer) | throughput at 64 (best peer) |',
    );
    lines.push('|---|---|---|---|---|');
    const peerDeltas = peers.map((p) => ({ name: SHORT[p.variant], d: overheads(p, base6) }));
    const best = (key, better) => peerDeltas.reduce((a, b) => (better(b.d[key], a.d[key]) ? b : a));
    const lower = (a, b) => a < b;
    const higher = (a, b) => a > b;
    for (const variant of LLMETER_VARIANTS) {
      const r = measured(variant, 'openai6');
      if (!r) continue;
      const d = overheads(r, base6);
      const col = (key, better, unit, digits = 1) => {
        const b = best(key, better);
        const show = (n) => (unit === '×' ? `${fmt(n, 3)}×` : `${signed(n, digits)} ${unit}`);
        const ok = !better(b.d[key], d[key]); // a tie with the best peer meets the budget
        return `${mark(ok)} ${show(d[key])} (${b.name} ${show(b.d[key])})`;
      };
      lines.push(
        `| ${SHORT[variant]} | ${col('seq', lower, 'µs')} | ${col('conc', lower, 'µs')} | ${col('chunk', lower, 'µs', 2)} | ${col('throughput', higher, '×')} |`,
      );
    }
    lines.push('');
  }
  if (!quick) lines.push(NOTES);
  if (appendix) lines.push(appendix);
  return lines.join('\n');
}
