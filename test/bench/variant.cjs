// One variant in its own process:
// `node --expose-gc variant.cjs <variant> <openai package> <full|quick|layers> [heap|noheap]`.
// Runs the workload against the mock server at MOCK_URL and sends the figures to the parent.
// `layers` (layers.mjs): non-streamed calls only, block by block on the parent's
// request, with the garbage collector's share of each block.
'use strict';

const v8 = require('node:v8');
const { VARIANTS } = require('./variants.cjs');

const [variantName, pkg, mode, heapMode] = process.argv.slice(2);
const HEAP = heapMode !== 'noheap';
const QUICK = mode === 'quick';
const LAYERS = mode === 'layers';

const SIZES = LAYERS
  ? { warmup: 2000, sequential: 2000, concurrent: 3000 }
  : QUICK
    ? {
        rounds: 1,
        warmup: 200,
        sequential: 300,
        concurrent: 1000,
        streams32: 40,
        streams256: 10,
        heapCalls: 4000,
        heapSegments: 4,
      }
    : {
        rounds: 5,
        warmup: 2000,
        sequential: 1500,
        concurrent: 6000,
        streams32: 200,
        streams256: 50,
        heapCalls: 100_000,
        heapSegments: 10,
      };
const CONCURRENCY = 64;
const BODY = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say something short.' }],
};

async function sequential(client, n) {
  for (let i = 0; i < n; i++) await client.chat.completions.create(BODY);
}

async function concurrent(client, n, concurrency = CONCURRENCY) {
  let issued = 0;
  const worker = async () => {
    while (issued < n) {
      issued += 1;
      await client.chat.completions.create(BODY);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function streams(client, n, chunks) {
  const options = { headers: { 'x-mock-chunks': String(chunks) } };
  let items = 0;
  for (let i = 0; i < n; i++) {
    const stream = await client.chat.completions.create({ ...BODY, stream: true }, options);
    for await (const _ of stream) items += 1;
  }
  return items;
}

/** One full collection (with --expose-gc); the heap samples take two, a turn apart. */
function gc() {
  global.gc?.();
}

/**
 * One measured block, in the state the previous block left: no forced
 * collection first. The blocks right after a forced full collection run up to
 * twice as slow (1500 plain calls in one process: ~50 -> ~110 µs per call),
 * which a service under load never sees; the heap samples take their own.
 */
async function measure(fn) {
  const profiler = LAYERS ? new v8.GCProfiler() : undefined;
  const used0 = process.memoryUsage().heapUsed;
  profiler?.start();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const gcStats = profiler && gcSummary(profiler.stop(), process.memoryUsage().heapUsed - used0);
  return { cpuUs: cpu.user + cpu.system, wallMs, value, gc: gcStats };
}

/**
 * What the collector did in a block: main-thread pause time (µs) and count by
 * kind, and the bytes allocated: what the collections freed plus what the
 * heap grew by (so a block with no collection still counts its allocations).
 */
function gcSummary({ statistics }, heapGrowth) {
  const out = { allocatedBytes: heapGrowth, promotedBytes: 0, pauseUs: 0, count: {}, us: {} };
  for (const s of statistics) {
    const before = s.beforeGC.heapStatistics.usedHeapSize;
    out.allocatedBytes += before - s.afterGC.heapStatistics.usedHeapSize;
    const old = (x) =>
      x.heapSpaceStatistics.find((sp) => sp.spaceName === 'old_space')?.spaceUsedSize ?? 0;
    if (s.gcType === 'Scavenge') out.promotedBytes += Math.max(0, old(s.afterGC) - old(s.beforeGC));
    out.pauseUs += s.cost;
    out.count[s.gcType] = (out.count[s.gcType] ?? 0) + 1;
    out.us[s.gcType] = (out.us[s.gcType] ?? 0) + s.cost;
  }
  return out;
}

/** CPU figures take the best round: interference from other processes only ever adds CPU time. */
const best = (xs) => Math.min(...xs);

async function rounds(fn) {
  const out = [];
  for (let r = 0; r < SIZES.rounds; r++) out.push(await measure(fn));
  return out;
}

/** Least-squares slope of heap samples, bytes per call. */
function slope(samples) {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((s, p) => s + p.calls, 0) / n;
  const my = samples.reduce((s, p) => s + p.heapUsed, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of samples) {
    num += (p.calls - mx) * (p.heapUsed - my);
    den += (p.calls - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

async function main() {
  const variant = VARIANTS[variantName](pkg);
  const client = variant.makeClient();

  await sequential(client, SIZES.warmup);
  if (LAYERS) return serveBlocks(variant, client);
  await streams(client, 20, 32);

  const seq = await rounds(() => sequential(client, SIZES.sequential));
  const conc = await rounds(() => concurrent(client, SIZES.concurrent));
  const s32 = await rounds(() => streams(client, SIZES.streams32, 32));
  const s256 = await rounds(() => streams(client, SIZES.streams256, 256));

  const heap = [];
  const perSegment = SIZES.heapCalls / SIZES.heapSegments;
  gc();
  heap.push({ calls: 0, heapUsed: process.memoryUsage().heapUsed });
  const heapRun = !HEAP
    ? undefined
    : await measure(async () => {
        for (let s = 1; s <= SIZES.heapSegments; s++) {
          await concurrent(client, perSegment);
          // What a span batch processor holds until its next export (up to its queue
          // size) is bounded, not a trend: exported before each sample, for every
          // variant, so the samples show what stays. Then two collections with a turn
          // between them, so finalization callbacks have run and released what they held.
          await variant.settle?.();
          await new Promise((resolve) => setImmediate(resolve));
          gc();
          await new Promise((resolve) => setImmediate(resolve));
          gc();
          heap.push({ calls: s * perSegment, heapUsed: process.memoryUsage().heapUsed });
        }
      });

  const telemetry = await variant.telemetry();
  const seqUs = best(seq.map((m) => m.cpuUs / SIZES.sequential));
  const concUs = best(conc.map((m) => m.cpuUs / SIZES.concurrent));
  const throughput = Math.max(...conc.map((m) => SIZES.concurrent / (m.wallMs / 1000)));
  const stream32Us = best(s32.map((m) => m.cpuUs / SIZES.streams32));
  const stream256Us = best(s256.map((m) => m.cpuUs / SIZES.streams256));
  const result = {
    variant: variantName,
    pkg,
    sizes: SIZES,
    seqUsPerCall: seqUs,
    concUsPerCall: concUs,
    throughputPerS: throughput,
    stream32UsPerStream: stream32Us,
    stream256UsPerStream: stream256Us,
    // The cost of one more chunk: the slope between the 32- and 256-chunk streams,
    // free of the per-call cost both share.
    usPerChunk: (stream256Us - stream32Us) / (256 - 32),
    itemsPerStream32: s32[0].value / SIZES.streams32,
    heap: heapRun ? heap : undefined,
    // From the first sample after a warm segment: the first segment fills caches and pools.
    heapSlopeBytesPerCall: heapRun ? slope(heap.slice(1)) : undefined,
    heapGrowthBytes: heapRun ? heap.at(-1).heapUsed - heap[1].heapUsed : undefined,
    telemetry,
  };
  await variant.shutdown();
  process.send(result, () => process.exit(0));
}

/**
 * `layers` mode: the parent interleaves blocks of every process it runs, so
 * drift in the machine's load hits all alike. It asks for a block by load
 * (`{ load }`) and gets its figures; `{ done: true }` ends the process with
 * the telemetry counts. Each block's window (monotonic µs, the clock of
 * --cpu-prof timestamps) lets a profile be cut to the measured calls.
 */
function serveBlocks(variant, client) {
  const loads = { sequential, concurrent };
  process.on('message', async (message) => {
    if (message.done) {
      const telemetry = await variant.telemetry();
      await variant.shutdown();
      process.send({ telemetry }, () => process.exit(0));
      return;
    }
    const calls = SIZES[message.load];
    const startUs = Number(process.hrtime.bigint() / 1000n);
    const m = await measure(() => loads[message.load](client, calls));
    const endUs = Number(process.hrtime.bigint() / 1000n);
    process.send({ load: message.load, calls, startUs, endUs, ...m });
  });
  process.send({ ready: true, sizes: SIZES });
}

main().catch((error) => {
  process.send({ variant: variantName, pkg, error: String(error?.stack ?? error) }, () =>
    process.exit(1),
  );
});
