#!/usr/bin/env node
// Setup + openai load: what a service pays at start-up for its instrumentation.
// Each measurement is a fresh process (setup-child.mjs) that loads openai and
// the instrumentation, makes a client and reports the wall time since the
// process started and its CPU. Variants alternate round by round, best round
// kept (interference from other work only ever adds). `node setup.mjs [rounds]`
// prints the markdown section; run.mjs (full mode) adds it to RESULTS.md.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** [variant, openai package, module system]. The peers patch through require hooks: CommonJS, openai 6. */
const PLAN = [
  ['baseline', 'openai', 'cjs'],
  ['llmeter', 'openai', 'cjs'],
  ['baseline', 'openai', 'esm'],
  ['llmeter', 'openai', 'esm'],
  ['baseline', 'openai6', 'cjs'],
  ['llmeter', 'openai6', 'cjs'],
  ['otel', 'openai6', 'cjs'],
  ['traceloop', 'openai6', 'cjs'],
];
const LABEL = {
  baseline: 'baseline (openai client, no instrumentation)',
  llmeter: 'llmeter (`init()` defaults + `instrumentOpenAI`)',
  otel: '@opentelemetry/instrumentation-openai',
  traceloop: '@traceloop/node-server-sdk',
};
const child = fileURLToPath(new URL('./setup-child.mjs', import.meta.url));

function measureOnce([variant, pkg, mode]) {
  const run = spawnSync(process.execPath, [child, variant, pkg, mode], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  const line = run.stdout.trim().split('\n').pop();
  if (run.status !== 0 || !line)
    throw new Error(`${variant} ${pkg} ${mode}: ${run.stderr.slice(-1000)}`);
  return JSON.parse(line);
}

/** About 4 s a round on a 2-core machine (Traceloop alone is about 1 s). */
export const SETUP_ROUNDS = 8;

/** Best (lowest) wall and CPU over `rounds` rounds, variants interleaved. */
export function measureSetup(rounds = SETUP_ROUNDS) {
  const best = PLAN.map(() => ({ readyMs: Infinity, cpuMs: Infinity }));
  for (let round = 0; round < rounds; round++) {
    PLAN.forEach((entry, i) => {
      const m = measureOnce(entry);
      best[i].readyMs = Math.min(best[i].readyMs, m.readyMs);
      best[i].cpuMs = Math.min(best[i].cpuMs, m.cpuMs);
    });
  }
  return PLAN.map(([variant, pkg, mode], i) => ({ variant, pkg, mode, ...best[i] }));
}

export function renderSetup(rows, rounds) {
  const base = (r) =>
    rows.find((b) => b.variant === 'baseline' && b.pkg === r.pkg && b.mode === r.mode);
  const delta = (n) => `${n >= 0 ? '+' : ''}${n.toFixed(0)}`;
  const lines = [
    '## Setup + openai load',
    '',
    `\`setup.mjs\`: a fresh process per measurement loads \`openai\` and the instrumentation (\`import\` for ESM, \`require\` for CJS), sets it up and makes a client; wall time from the process's start to the client being ready (\`performance.now()\`) and CPU (\`process.cpuUsage()\`), best of ${rounds} rounds, variants interleaved. llmeter gets \`init()\` as a Kubernetes pod does: traces OTLP/gRPC, metrics OTLP/HTTP delta, \`/metrics\` on its own port. The peers are set up as in the tables above (their exporters replaced by counting ones). Budget: llmeter ≤ +100 ms over the bare client.`,
    '',
    '| variant | openai | modules | ready, ms (Δ) | CPU, ms (Δ) |',
    '|---|---|---|---:|---:|',
  ];
  for (const r of rows) {
    const b = base(r);
    const d = r === b ? '' : ` (${delta(r.readyMs - b.readyMs)})`;
    const c = r === b ? '' : ` (${delta(r.cpuMs - b.cpuMs)})`;
    lines.push(
      `| ${LABEL[r.variant]} | ${r.pkg === 'openai6' ? 6 : 7} | ${r.mode.toUpperCase()} | ${r.readyMs.toFixed(0)}${d} | ${r.cpuMs.toFixed(0)}${c} |`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rounds = Number(process.argv[2] ?? SETUP_ROUNDS);
  process.stdout.write(`${renderSetup(measureSetup(rounds), rounds)}\n`);
}
