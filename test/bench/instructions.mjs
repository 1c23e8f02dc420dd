#!/usr/bin/env node
// Instructions per call under callgrind, for A/B of two builds on a noisy machine:
// `node instructions.mjs <variant>[,<variant>…] [<checkout root> …]` (valgrind required:
// `apt-get install valgrind`). Each variant of each checkout runs its sequential
// workload twice under `valgrind --tool=callgrind` (1,000 and 2,000 calls) and the
// difference is divided by 1,000, so start-up drops out. Node runs with
// `--single-threaded --predictable-gc-schedule`: without them the window's count
// moved by ±250 k instructions between identical runs (collections and compilation
// land in the window at random); with them two runs on a quiet machine agree
// within 5 k (under load timers fire on more calls: ±100 k was seen). Collections
// then run on the main thread on a fixed schedule, and under valgrind a call takes
// ~50× longer, so timer-driven work (span and metric exports) lands on ~50× fewer
// calls: read the figures as differences between builds, not as production cost.
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startMockLLM } from '@llmeter/testing';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const [variantList = 'baseline,llmeter+log', ...roots] = process.argv.slice(2);
const variants = variantList.split(',');
const checkouts = roots.length > 0 ? roots.map((r) => resolve(r)) : [resolve(here, '../..')];
const CALLS = [1000, 2000];
const NODE_FLAGS = ['--single-threaded', '--predictable-gc-schedule'];

/** Instructions of one process that makes `calls` sequential calls of `variant` from `root`. */
async function instructions(root, variant, calls, mockUrl) {
  const { stderr } = await run(
    'valgrind',
    [
      '--tool=callgrind',
      '--smc-check=all-non-file',
      '--callgrind-out-file=/dev/null',
      process.execPath,
      ...NODE_FLAGS,
      // This checkout's child, the variants (and so the build) of `root`.
      join(here, 'instructions-child.cjs'),
      root,
      variant,
      String(calls),
    ],
    { env: { ...process.env, MOCK_URL: mockUrl }, maxBuffer: 64 * 1024 * 1024 },
  );
  const match = stderr.match(/Collected : (\d+)/);
  if (!match) throw new Error(`no instruction count from callgrind:\n${stderr.slice(-2000)}`);
  return Number(match[1]);
}

const mock = await startMockLLM();
const resetTimer = setInterval(() => mock.reset(), 2000);
try {
  console.log('| checkout | variant | instructions per call (1,000 → 2,000 calls) |');
  console.log('|---|---|---:|');
  for (const root of checkouts) {
    for (const variant of variants) {
      // The two runs of a pair at once: the machine has two cores to give.
      const [short, long] = await Promise.all(
        CALLS.map((calls) => instructions(root, variant, calls, mock.url)),
      );
      const perCall = Math.round((long - short) / (CALLS[1] - CALLS[0]));
      console.log(`| ${root} | ${variant} | ${perCall.toLocaleString('en-US')} |`);
    }
  }
} finally {
  clearInterval(resetTimer);
  await mock.close();
}
