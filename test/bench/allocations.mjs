#!/usr/bin/env node
// Bytes allocated per non-streamed openai call, by allocating function:
// `node allocations.mjs [variant] [against] [calls] [openai|openai6]`
// (default llmeter+log against baseline, 3,000 calls, openai 7; the peers
// need openai6). Each variant runs in its own process
// (allocations-child.cjs) against one mock; the table lists the functions
// whose allocation differs most between the two. V8's sampling heap profiler
// samples one allocation per 128 B on average, so rows under ~100 B per call
// are within its noise; the totals agree with layers.mjs's GC table.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startMockLLM } from '@llmeter/testing';
import { frameLabel } from './profile.mjs';

const run = promisify(execFile);
const [variant = 'llmeter+log', against = 'baseline', calls = '3000', pkg = 'openai'] =
  process.argv.slice(2);
const child = fileURLToPath(new URL('./allocations-child.cjs', import.meta.url));
const ROWS = 30;

const dir = mkdtempSync(join(tmpdir(), 'llmeter-allocations-'));
const mock = await startMockLLM();
// The mock keeps every request it received; forget them so its own heap stays flat.
const resetTimer = setInterval(() => mock.reset(), 2000);
try {
  const measure = async (name) => {
    const out = join(dir, `${name.replace(/\W/g, '_')}.json`);
    await run(process.execPath, [child, name, calls, out, pkg], {
      env: { ...process.env, MOCK_URL: mock.url },
      maxBuffer: 256 * 1024 * 1024,
    });
    const { calls: n, head } = JSON.parse(readFileSync(out, 'utf8'));
    // No prototype: a builtin named like one of Object.prototype's methods is a key like any other.
    const bytes = Object.create(null);
    const walk = (node) => {
      if (node.selfSize > 0) {
        const name = frameLabel(node.callFrame);
        bytes[name] = (bytes[name] ?? 0) + node.selfSize / n;
      }
      for (const child of node.children) walk(child);
    };
    walk(head);
    return bytes;
  };
  const base = await measure(against);
  const mine = await measure(variant);
  const total = (m) => Object.values(m).reduce((a, b) => a + b, 0);
  const names = new Set([...Object.keys(base), ...Object.keys(mine)]);
  const rows = [...names]
    .map((name) => [name, (mine[name] ?? 0) - (base[name] ?? 0)])
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .slice(0, ROWS);
  console.log(`| allocating function | ${variant} − ${against}, B/call |`);
  console.log('|---|---:|');
  for (const [name, diff] of rows) console.log(`| \`${name}\` | ${diff.toFixed(0)} |`);
  console.log(
    `| **total** (${against} ${total(base).toFixed(0)}, ${variant} ${total(mine).toFixed(0)}) | **${(total(mine) - total(base)).toFixed(0)}** |`,
  );
} finally {
  clearInterval(resetTimer);
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
}
