#!/usr/bin/env node
// Where llmeter's cost goes in the real request path: the layered breakdown
// (one process per layer, each turning on one more piece of llmeter, with the
// collector's share) and CPU profiles of the default sinks against the
// baseline, by dependency group and by llmeter function. `pnpm bench` appends
// both to RESULTS.md (layeredAppendix); `node layers.mjs [--json=FILE]` prints them.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockLLM } from '@llmeter/testing';
import { PROFILE_FLAGS, readProfile, summarise } from './profile.mjs';

/** [variant of variants.cjs, what it is, the layer it adds to]. */
const LAYERS = [
  ['baseline', 'bare client', undefined],
  ['layer:init', '+ `init()` alone (no adapter)', 'baseline'],
  ['layer:adapter', '+ `instrumentOpenAI`, no `init()` (no-op recorder)', 'baseline'],
  ['layer:prom', '+ `init()` + adapter: `/metrics` only (spans sampled out)', 'layer:adapter'],
  ['layer:spans', '+ spans (batch processor)', 'layer:prom'],
  ['llmeter', '+ OTel metrics (periodic reader)', 'layer:spans'],
  ['llmeter+log', '+ `llm_call_completed` log line', 'llmeter'],
];
const PROFILED = ['baseline', 'llmeter', 'llmeter+log'];
const PROFILE_LOADS = [
  ['sequential', 'sequential'],
  ['concurrent', 'concurrency 64'],
];
/** Interleaved rounds: every process runs one block of each load per round. */
const ROUNDS = Number(process.env.LAYERS_ROUNDS) || 4;
const PKG = 'openai';

/** One variant.cjs process in `layers` mode; `next()` resolves with its next message. */
function start(mockUrl, variant, execArgv = []) {
  let stderr = '';
  const queue = [];
  const waiting = [];
  const child = fork(
    fileURLToPath(new URL('./variant.cjs', import.meta.url)),
    [variant, PKG, 'layers'],
    {
      execArgv: ['--expose-gc', ...execArgv],
      // stdout to /dev/null, as in run.mjs: the log line costs its formatting and write.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, MOCK_URL: mockUrl },
    },
  );
  const deliver = (m) => (waiting.length > 0 ? waiting.shift()(m) : queue.push(m));
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  child.on('message', deliver);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  exited.then((code) => deliver({ error: `${variant} exited ${code}: ${stderr.slice(-2000)}` }));
  return {
    variant,
    exited,
    next: () =>
      new Promise((resolve) => (queue.length > 0 ? resolve(queue.shift()) : waiting.push(resolve))),
    send: (m) => child.connected && child.send(m),
  };
}

/** Per call, over a process's blocks of one load. */
function perCall(blocks) {
  const calls = blocks[0].calls;
  const best = blocks.reduce((a, b) => (b.cpuUs < a.cpuUs ? b : a));
  const median = (f) => blocks.map(f).sort((x, y) => x - y)[blocks.length >> 1];
  return {
    // Interference only ever adds CPU and pause time: the least of the blocks.
    cpuUs: best.cpuUs / calls,
    gcPauseUs: Math.min(...blocks.map((b) => b.gc.pauseUs)) / calls,
    // What the code allocates hardly depends on the machine: the median block.
    allocatedBytes: median((b) => b.gc.allocatedBytes) / calls,
    promotedBytes: median((b) => b.gc.promotedBytes) / calls,
    scavengesPer1k: (median((b) => b.gc.count.Scavenge ?? 0) / calls) * 1000,
  };
}

/**
 * Runs every layer, and the profiled variants under --cpu-prof, as
 * long-lived processes against the mock at `mockUrl`, block by block in
 * turn (the order rotating every round).
 */
export async function measureLayers(mockUrl, log = () => {}) {
  const profileDir = mkdtempSync(join(tmpdir(), 'llmeter-layers-'));
  const procs = [
    ...LAYERS.map(([variant]) => ({ variant, role: 'layer', p: start(mockUrl, variant) })),
    ...PROFILED.map((variant, i) => {
      const dir = join(profileDir, String(i));
      const p = start(mockUrl, variant, [`--cpu-prof-dir=${dir}`, ...PROFILE_FLAGS]);
      return { variant, role: 'profile', dir, p };
    }),
  ];
  try {
    log(`layers: warming up ${procs.length} processes...`);
    for (const proc of procs) {
      const ready = await proc.p.next();
      if (ready.error) throw new Error(ready.error);
      proc.sizes = ready.sizes;
      proc.blocks = [];
    }
    for (let round = 0; round < ROUNDS; round++) {
      log(`layers: round ${round + 1}/${ROUNDS}...`);
      for (const [load] of PROFILE_LOADS) {
        for (let i = 0; i < procs.length; i++) {
          const proc = procs[(i + round) % procs.length];
          proc.p.send({ load });
          const block = await proc.p.next();
          if (block.error) throw new Error(block.error);
          proc.blocks.push(block);
        }
      }
    }
    for (const proc of procs) {
      proc.p.send({ done: true });
      proc.telemetry = (await proc.p.next()).telemetry;
      await proc.p.exited;
    }
    const of = (proc, load) => proc.blocks.filter((b) => b.load === load);
    const layers = procs
      .filter((x) => x.role === 'layer')
      .map((x) => ({
        variant: x.variant,
        sizes: { rounds: ROUNDS, ...x.sizes },
        sequential: perCall(of(x, 'sequential')),
        concurrent: perCall(of(x, 'concurrent')),
        telemetry: x.telemetry,
      }));
    const profiles = [];
    for (const x of procs.filter((y) => y.role === 'profile')) {
      const profile = readProfile(x.dir);
      for (const [kind] of PROFILE_LOADS) {
        const windows = of(x, kind);
        const calls = windows.reduce((a, w) => a + w.calls, 0);
        profiles.push({ variant: x.variant, kind, calls, ...summarise(profile, windows, calls) });
      }
    }
    return { layers, profiles };
  } finally {
    for (const proc of procs) proc.p.send({ done: true });
    rmSync(profileDir, { recursive: true, force: true });
  }
}

const f1 = (n) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f2 = (n) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
const s1 = (n) => (Number.isFinite(n) ? `${n >= 0 ? '+' : ''}${n.toFixed(1)}` : '');
const s0 = (n) => (Number.isFinite(n) ? `${n >= 0 ? '+' : ''}${n.toFixed(0)}` : '');

function layerTables(layers) {
  const by = new Map(layers.map((r) => [r.variant, r]));
  const sizes = layers.find((r) => r.sizes)?.sizes;
  const lines = [
    '## Layered breakdown',
    '',
    `\`layers.mjs\`: the openai 7 client against the same mock, one process per layer (\`variant.cjs\` in \`layers\` mode), each layer turning on one more piece of llmeter; "adds to" names the layer it is compared with. CPU is the process's user + system time (all threads) of the best of ${sizes?.rounds} blocks of ${sizes?.sequential} sequential calls and of ${sizes?.concurrent} calls at concurrency 64; all layers run at once as long-lived processes and take their blocks in turn (the order rotating each round), so drift in the machine's load hits every layer alike; expect ±10 µs of noise per row on a shared machine. The collector's figures come from \`v8.GCProfiler\` over the same block: main-thread pause time (least block), bytes allocated (freed by the collections plus the heap's growth) and bytes promoted to old space by scavenges (median block).`,
    '',
    '| layer | adds to | seq CPU µs/call | Δ bare | increment | at 64 µs/call | Δ bare | increment |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [variant, label, over] of LAYERS) {
    const r = by.get(variant);
    if (!r || r.error) {
      lines.push(
        `| ${label} | ${over ?? ''} | failed: ${(r?.error ?? 'missing').split('\n')[0].slice(0, 120)} | | | | | |`,
      );
      continue;
    }
    const base = by.get('baseline');
    const prev = by.get(over);
    const cells = (load) => [
      f1(r[load].cpuUs),
      variant === 'baseline' ? '' : s1(r[load].cpuUs - base?.[load]?.cpuUs),
      prev ? s1(r[load].cpuUs - prev[load]?.cpuUs) : '',
    ];
    lines.push(
      `| ${label} | ${over ?? ''} | ${cells('sequential').join(' | ')} | ${cells('concurrent').join(' | ')} |`,
    );
  }
  lines.push('');
  lines.push(
    '| layer | seq GC pause µs/call (increment) | seq allocated B/call (increment) | seq promoted B/call | seq scavenges per 1k calls | at 64 GC pause µs/call (increment) | at 64 allocated B/call (increment) | at 64 promoted B/call |',
  );
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const [variant, label, over] of LAYERS) {
    const r = by.get(variant);
    if (!r || r.error) continue;
    const prev = by.get(over);
    const inc = (load, key, fmt) => (prev ? ` (${fmt(r[load][key] - prev[load][key])})` : '');
    lines.push(
      `| ${label} | ${f2(r.sequential.gcPauseUs)}${inc('sequential', 'gcPauseUs', s1)} | ${r.sequential.allocatedBytes.toFixed(0)}${inc('sequential', 'allocatedBytes', s0)} | ${r.sequential.promotedBytes.toFixed(0)} | ${f1(r.sequential.scavengesPer1k)} | ${f2(r.concurrent.gcPauseUs)}${inc('concurrent', 'gcPauseUs', s1)} | ${r.concurrent.allocatedBytes.toFixed(0)}${inc('concurrent', 'allocatedBytes', s0)} | ${r.concurrent.promotedBytes.toFixed(0)} |`,
    );
  }
  lines.push('');
  return lines;
}

function profileTables(profiles) {
  const lines = [
    '## Profile',
    '',
    `\`profile.mjs\` (\`--cpu-prof\`, a sample every 250 µs) of the same blocks as the layers (three more processes, interleaved with them), each variant in its own process, cut to the measured blocks; self time per call by dependency group, and the increase over the baseline's profile. V8 samples on wall time: on a busy machine a descheduled thread's wait lands in the next sample, so totals run above the process CPU (last row) and the groups carry that noise too.`,
    '',
  ];
  const get = (variant, kind) => profiles.find((p) => p.variant === variant && p.kind === kind);
  const head = PROFILE_LOADS.flatMap(([, name]) =>
    PROFILED.map((v) => `${name}: ${v === 'baseline' ? 'baseline' : `${v} (Δ)`}`),
  );
  lines.push(`| group | ${head.join(' | ')} |`);
  lines.push(`|---|${head.map(() => '---:').join('|')}|`);
  const groups = new Set(profiles.flatMap((p) => Object.keys(p.byGroup)));
  const order = [...groups].sort(
    (a, b) =>
      (get('llmeter+log', 'sequential')?.byGroup[b] ?? 0) -
      (get('llmeter+log', 'sequential')?.byGroup[a] ?? 0),
  );
  const row = (name, value) => {
    const cells = PROFILE_LOADS.flatMap(([kind]) => {
      const base = value(get('baseline', kind));
      return PROFILED.map((v) => {
        const x = value(get(v, kind));
        return v === 'baseline' ? f1(x) : `${f1(x)} (${s1(x - base)})`;
      });
    });
    lines.push(`| ${name} | ${cells.join(' | ')} |`);
  };
  for (const g of order) row(g, (p) => p?.byGroup[g] ?? 0);
  row('**profiled total** (idle excluded)', (p) =>
    Object.entries(p?.byGroup ?? {}).reduce((a, [g, us]) => (g === '(idle)' ? a : a + us), 0),
  );
  row('process CPU, all threads (`process.cpuUsage()`)', (p) => p?.cpuUsPerCall);
  lines.push('');
  lines.push(
    "llmeter's own functions (`packages/*/dist`), self µs per call, the top 12 of the `llmeter+log` profile:",
  );
  lines.push('');
  lines.push(
    `| function | ${PROFILE_LOADS.flatMap(([, name]) => ['llmeter', 'llmeter+log'].map((v) => `${name}: ${v}`)).join(' | ')} |`,
  );
  lines.push('|---|---:|---:|---:|---:|');
  const own = (p) => Object.entries(p?.byFunction ?? {}).filter(([k]) => k.includes(' @llmeter/'));
  const rank = new Map();
  for (const [kind] of PROFILE_LOADS)
    for (const [k, us] of own(get('llmeter+log', kind))) rank.set(k, (rank.get(k) ?? 0) + us);
  for (const [k] of [...rank].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    const cells = PROFILE_LOADS.flatMap(([kind]) =>
      ['llmeter', 'llmeter+log'].map((v) => f2(get(v, kind)?.byFunction[k] ?? 0)),
    );
    lines.push(`| \`${k}\` | ${cells.join(' | ')} |`);
  }
  lines.push('');
  return lines;
}

/** The "Layered breakdown" and "Profile" sections of RESULTS.md. */
export function renderLayers({ layers, profiles }) {
  return [...layerTables(layers), ...profileTables(profiles)].join('\n');
}

/** Measures against a mock of its own, the same as run.mjs's. */
async function withMock(log) {
  const mock = await startMockLLM();
  // The mock keeps every request it received; forget them so its own heap stays flat.
  const resetTimer = setInterval(() => mock.reset(), 2000);
  try {
    return await measureLayers(mock.url, log);
  } finally {
    clearInterval(resetTimer);
    await mock.close();
  }
}

/** What run.mjs appends in a full run: measures, then renders. */
export async function layeredAppendix(log) {
  return renderLayers(await withMock(log));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const json = process.argv.find((a) => a.startsWith('--json='))?.slice('--json='.length);
  const t0 = performance.now();
  const measured = await withMock((m) => process.stderr.write(`${m}\n`));
  if (json) writeFileSync(json, JSON.stringify(measured, null, 1));
  console.log(renderLayers(measured));
  process.stderr.write(`layers: done in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
}
