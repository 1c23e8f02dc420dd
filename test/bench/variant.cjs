// One variant in its own process:
// `node --expose-gc variant.cjs <variant> <openai package> <full|quick> [heap|noheap]`.
// Runs the workload against the mock server at MOCK_URL and sends the figures to the parent.
'use strict';

const { VARIANTS } = require('./variants.cjs');

const [variantName, pkg, mode, heapMode] = process.argv.slice(2);
const HEAP = heapMode !== 'noheap';
const QUICK = mode === 'quick';

const SIZES = QUICK
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

function gc() {
  if (global.gc) {
    global.gc();
    global.gc();
  }
}

async function measure(fn) {
  gc();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { cpuUs: cpu.user + cpu.system, wallMs, value };
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

main().catch((error) => {
  process.send({ variant: variantName, pkg, error: String(error?.stack ?? error) }, () =>
    process.exit(1),
  );
});
