#!/usr/bin/env node
// Where a variant spends its CPU: `node profile.mjs <variant> [openai|openai6] [calls] [stream]`.
// Runs the variant's sequential workload under --cpu-prof in its own process and
// prints self time grouped by package and the top functions.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startMockLLM } from '@llmeter/testing';

const [variant = 'llmeter', pkg = 'openai', calls = '5000', kind = 'calls'] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'llmeter-prof-'));
const mock = await startMockLLM();
const resetTimer = setInterval(() => mock.reset(), 2000);
try {
  // Asynchronously: the mock server answers from this process's event loop.
  await promisify(execFile)(
    process.execPath,
    [
      '--cpu-prof',
      `--cpu-prof-dir=${dir}`,
      '--cpu-prof-interval=100',
      fileURLToPath(new URL('./profile-child.cjs', import.meta.url)),
      variant,
      pkg,
      calls,
      kind,
    ],
    { env: { ...process.env, MOCK_URL: mock.url }, maxBuffer: 1 << 30 },
  );
} finally {
  clearInterval(resetTimer);
  await mock.close();
}

const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) {
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (dt[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const group = (url) => {
  if (!url) return '(native/gc/idle)';
  const m = url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1];
  if (url.includes('/packages/')) return `@llmeter/${url.split('/packages/')[1].split('/')[0]}`;
  if (url.startsWith('node:')) return 'node:internal';
  return url.split('/').slice(-2).join('/');
};
const byGroup = new Map();
const byFn = new Map();
for (const [id, us] of self) {
  const node = byId.get(id);
  const cf = node.callFrame;
  const g = cf.functionName === '(idle)' ? '(idle)' : group(cf.url);
  byGroup.set(g, (byGroup.get(g) ?? 0) + us);
  const key = `${cf.functionName || '(anonymous)'} ${g}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
  byFn.set(key, (byFn.get(key) ?? 0) + us);
}
const n = Number(calls);
const line = ([k, us]) =>
  `${(us / n).toFixed(2).padStart(8)} µs/call  ${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}`;
console.log(`${variant} on ${pkg}, ${n} ${kind}: self time per call by package`);
for (const e of [...byGroup].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(line(e));
console.log('\ntop functions');
for (const e of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(line(e));
