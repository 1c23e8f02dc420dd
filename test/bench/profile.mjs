#!/usr/bin/env node
// Where a variant spends its CPU:
// `node profile.mjs <variant> [openai|openai6] [calls] [calls|conc|stream]`.
// Runs the variant's workload (sequential, at concurrency 64, or streams of
// 256 chunks) under --cpu-prof in its own process and prints self time of the
// measured calls (warm-up and start-up cut off) by package, by dependency
// group and the top functions. layers.mjs uses profileVariant() for RESULTS.md.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startMockLLM } from '@llmeter/testing';

/**
 * Sampling interval, µs. V8 samples on wall time: on a shared machine a
 * descheduled thread's wait lands in the sample that follows, so the
 * profile's total exceeds the process's CPU when the machine is busy.
 */
const PROFILE_INTERVAL_US = 250;
/** With `--cpu-prof-dir=<dir>`, what a profiled process is started with. */
export const PROFILE_FLAGS = ['--cpu-prof', `--cpu-prof-interval=${PROFILE_INTERVAL_US}`];

/** Package of a script URL: `@scope/name`, `@llmeter/<dir>`, `node:internal`. */
function packageOf(url) {
  const m = url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1];
  if (url.includes('/packages/')) return `@llmeter/${url.split('/packages/')[1].split('/')[0]}`;
  if (url.startsWith('node:')) return 'node:internal';
  return url.split('/').slice(-2).join('/');
}

/** `function package file:line` of a profile's call frame (CPU or heap profile alike). */
export function frameLabel(cf) {
  const where = cf.url
    ? `${packageOf(cf.url)} ${cf.url.split('/').pop()}:${cf.lineNumber + 1}`
    : '';
  return `${cf.functionName || '(anonymous)'} ${where}`.trim();
}

/** [group, test on (url, package)], first match wins; the dependency groups of RESULTS.md. */
const GROUPS = [
  ['llmeter', (_u, p) => p.startsWith('@llmeter/')],
  [
    'OTel SDK',
    (_u, p) => p.startsWith('@opentelemetry/') && p !== '@opentelemetry/context-async-hooks',
  ],
  ['prom-client', (_u, p) => p === 'prom-client'],
  [
    'pino (+ sonic-boom, thread-stream)',
    (_u, p) =>
      /^(pino|pino-std-serializers|sonic-boom|thread-stream|fast-redact|quick-format-unescaped|atomic-sleep|on-exit-leak-free|safe-stable-stringify)/.test(
        p,
      ),
  ],
  [
    'async context',
    (u, p) =>
      p === '@opentelemetry/context-async-hooks' ||
      /^node:(async_hooks|internal\/(async_hooks|async_local_storage|async_context_frame))/.test(u),
  ],
  ['undici (fetch)', (u) => u.startsWith('node:internal/deps/undici')],
  ['web streams', (u) => u.startsWith('node:internal/webstreams')],
  ['openai SDK', (_u, p) => p === 'openai' || p === 'openai6'],
  ['node internals', (u) => u.startsWith('node:')],
];
const groupOf = (cf) => {
  if (cf.functionName === '(garbage collector)') return 'GC (main thread)';
  if (!cf.url) return cf.functionName === '(idle)' ? '(idle)' : '(program, native)';
  const pkg = packageOf(cf.url);
  return GROUPS.find(([, test]) => test(cf.url, pkg))?.[0] ?? 'other';
};

/**
 * Profiles `calls` calls of a variant against the mock at `mockUrl`; returns
 * self µs per call by package, by group and by function (the measured window
 * only), and the window's process CPU per call (all threads).
 */
export async function profileVariant(mockUrl, variant, pkg, calls, kind) {
  const dir = mkdtempSync(join(tmpdir(), 'llmeter-prof-'));
  const windowFile = join(dir, 'window.json');
  try {
    // Asynchronously: the mock server may answer from this process's event loop.
    await promisify(execFile)(
      process.execPath,
      [
        `--cpu-prof-dir=${dir}`,
        ...PROFILE_FLAGS,
        fileURLToPath(new URL('./profile-child.cjs', import.meta.url)),
        variant,
        pkg,
        String(calls),
        kind,
      ],
      {
        env: { ...process.env, MOCK_URL: mockUrl, PROFILE_WINDOW_FILE: windowFile },
        maxBuffer: 1 << 30,
      },
    );
    const window = JSON.parse(readFileSync(windowFile, 'utf8'));
    return { variant, pkg, kind, calls, ...summarise(readProfile(dir), [window], calls) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The one profile --cpu-prof wrote into `dir`. */
export function readProfile(dir) {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  return JSON.parse(readFileSync(join(dir, file), 'utf8'));
}

/**
 * Self time per call of the samples inside `windows` (`{ startUs, endUs,
 * cpuUs }`, monotonic µs), `calls` calls in all; with the windows' process CPU.
 */
export function summarise(profile, windows, calls) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const inside = (t) => windows.some((w) => t >= w.startUs && t <= w.endUs);
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (!inside(t)) continue;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const byPackage = {};
  const byGroup = {};
  const byFunction = {};
  const add = (o, k, us) => {
    o[k] = (o[k] ?? 0) + us / calls;
  };
  for (const [id, us] of self) {
    const cf = byId.get(id).callFrame;
    const group = groupOf(cf);
    add(byGroup, group, us);
    add(byPackage, cf.url ? packageOf(cf.url) : group, us);
    add(byFunction, frameLabel(cf), us);
  }
  const cpuUs = windows.reduce((a, w) => a + w.cpuUs, 0);
  return { byPackage, byGroup, byFunction, cpuUsPerCall: cpuUs / calls };
}

const top = (o, n) =>
  Object.entries(o)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [variant = 'llmeter', pkg = 'openai', calls = '5000', kind = 'calls'] =
    process.argv.slice(2);
  const mock = await startMockLLM();
  const resetTimer = setInterval(() => mock.reset(), 2000);
  let r;
  try {
    r = await profileVariant(mock.url, variant, pkg, Number(calls), kind);
  } finally {
    clearInterval(resetTimer);
    await mock.close();
  }
  const line = ([k, us]) => `${us.toFixed(2).padStart(8)} µs/call  ${k}`;
  console.log(
    `${variant} on ${pkg}, ${calls} ${kind}: ${r.cpuUsPerCall.toFixed(1)} µs/call process CPU (all threads)`,
  );
  console.log('\nself time by dependency group');
  for (const e of top(r.byGroup, 20)) console.log(line(e));
  console.log('\nby package');
  for (const e of top(r.byPackage, 20)) console.log(line(e));
  console.log('\ntop functions');
  for (const e of top(r.byFunction, 40)) console.log(line(e));
}
