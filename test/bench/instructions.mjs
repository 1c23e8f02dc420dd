#!/usr/bin/env node
// Instructions per call, or per streamed chunk, under callgrind, for A/B of two builds
// on a noisy machine and for figures the CPU tables can not resolve:
// `node instructions.mjs <variant>[,<variant>…] [--chunks] [--openai6] [--by-kind] [<checkout root> …]`
// (valgrind required: `apt-get install valgrind`). Each variant of each checkout runs
// its workload twice under `valgrind --tool=callgrind` and the difference of the two
// counts is divided by what the longer run did more, so start-up and warm-up drop out:
// per call, 1,000 and 2,000 sequential non-streamed calls; with `--chunks`, per chunk,
// 100 streams of 32 and of 256 chunks after the same 20 warm-up streams (the
// per-stream cost drops out too: the slope of the CPU table's chunk column, without
// its noise). `--openai6` runs openai 6, the peers' client. Node runs with
// `--single-threaded --predictable-gc-schedule`: without them the window's count
// moved by ±250 k instructions between identical runs (collections and compilation
// land in the window at random); with them two runs on a quiet machine agree
// within 5 k (under load timers fire on more calls: ±100 k was seen). Collections
// then run on the main thread on a fixed schedule, and under valgrind a call takes
// ~50× longer, so timer-driven work (span and metric exports) lands on ~50× fewer
// calls: read the figures as differences between builds, not as production cost.
// `--by-kind` splits each figure by what ran (callgrind_annotate over the runs'
// profiles): the collector, the compilers, and the code itself (JIT-compiled JS,
// builtins, V8 runtime, libc). The collector's share moves by ±10 k per chunk
// between processes (a major collection lands in one window and not the other)
// and grows with the loaded heap (under --single-threaded the marker runs on the
// main thread); the code's share agrees within a few hundred between runs.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startMockLLM } from '@llmeter/testing';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const [variantList = 'baseline,llmeter+log', ...roots] = args.filter((a) => !a.startsWith('--'));
const variants = variantList.split(',');
const checkouts = roots.length > 0 ? roots.map((r) => resolve(r)) : [resolve(here, '../..')];
const pkg = flags.has('--openai6') ? 'openai6' : 'openai';
const STREAMS = 100;
/** The two runs of a pair, what the second does more than the first, and that unit. */
const PAIR = flags.has('--chunks')
  ? {
      workloads: [`streams:${STREAMS}:32`, `streams:${STREAMS}:256`],
      more: STREAMS * (256 - 32),
      unit: `chunk (${STREAMS} streams of 32 → 256 chunks)`,
    }
  : { workloads: ['calls:1000', 'calls:2000'], more: 1000, unit: 'call (1,000 → 2,000 calls)' };
const NODE_FLAGS = ['--single-threaded', '--predictable-gc-schedule'];
const byKind = flags.has('--by-kind');
const profiles = byKind ? mkdtempSync(join(tmpdir(), 'llmeter-callgrind-')) : undefined;
let runs = 0;

/** What ran, by symbol: JIT-compiled code has no symbol (`[???]`). */
const KINDS = [
  [
    'collector',
    /Mark|Scaveng|Sweep|Evacuat|Heap|Worklist|RememberedSet|Marking|Ephemeron|SlotSet|Visitor|MemoryChunk|PagedSpace|NewSpace|Young|Pretenur|GCTracer/,
  ],
  [
    'compilers',
    /compiler::|maglev|turboshaft|Parser|Scanner|AstValueFactory|Bytecode|Compiler|Zone|interpreter::|Assembler|LinearScan|baseline::|Scope::|FuncNameInferrer/,
  ],
];
const kindOf = (symbol) => KINDS.find(([, pattern]) => pattern.test(symbol))?.[0] ?? 'code';

/** Instructions by kind in one callgrind profile. */
async function kinds(file) {
  const { stdout } = await run('callgrind_annotate', ['--inclusive=no', '--threshold=100', file], {
    maxBuffer: 256 * 1024 * 1024,
  });
  const out = { collector: 0, compilers: 0, code: 0 };
  for (const line of stdout.split('\n')) {
    const m = line.match(/^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$/);
    if (!m || m[2].includes('PROGRAM TOTALS')) continue;
    const n = Number(m[1].replaceAll(',', ''));
    out[m[2].endsWith('[???]') ? 'code' : kindOf(m[2])] += n;
  }
  return out;
}

/** Instructions of one process that runs `workload` (instructions-child.cjs) of `variant` from `root`. */
async function instructions(root, variant, workload, mockUrl) {
  const profile = profiles ? join(profiles, `run-${runs++}.out`) : '/dev/null';
  const { stderr } = await run(
    'valgrind',
    [
      '--tool=callgrind',
      '--smc-check=all-non-file',
      `--callgrind-out-file=${profile}`,
      process.execPath,
      ...NODE_FLAGS,
      // This checkout's child, the variants (and so the build) of `root`.
      join(here, 'instructions-child.cjs'),
      root,
      variant,
      pkg,
      workload,
    ],
    { env: { ...process.env, MOCK_URL: mockUrl }, maxBuffer: 64 * 1024 * 1024 },
  );
  const match = stderr.match(/Collected : (\d+)/);
  if (!match) throw new Error(`no instruction count from callgrind:\n${stderr.slice(-2000)}`);
  if (!profiles) return { total: Number(match[1]) };
  const split = await kinds(profile);
  rmSync(profile);
  return { total: Number(match[1]), ...split };
}

const mock = await startMockLLM();
const resetTimer = setInterval(() => mock.reset(), 2000);
try {
  const columns = byKind ? ['total', 'collector', 'compilers', 'code'] : ['total'];
  console.log(`Instructions per ${PAIR.unit}, ${pkg}:\n`);
  console.log(`| checkout | variant | ${columns.join(' | ')} |`);
  console.log(`|---|---|${columns.map(() => '---:|').join('')}`);
  for (const root of checkouts) {
    for (const variant of variants) {
      // The two runs of a pair at once: the machine has two cores to give.
      const [short, long] = await Promise.all(
        PAIR.workloads.map((workload) => instructions(root, variant, workload, mock.url)),
      );
      const each = columns.map((c) =>
        Math.round((long[c] - short[c]) / PAIR.more).toLocaleString('en-US'),
      );
      console.log(`| ${root} | ${variant} | ${each.join(' | ')} |`);
    }
  }
} finally {
  clearInterval(resetTimer);
  await mock.close();
  if (profiles) rmSync(profiles, { recursive: true, force: true });
}
