/**
 * The soak and fault suite: the example agent service under steady load
 * through its mock LLM while the collector is refused, hangs, is slow, and
 * sheds load (503/429 and their gRPC equivalents), then comes back; a real
 * Prometheus scrapes /metrics every second throughout; then SIGTERM under load.
 *
 * It asserts what must hold on any machine (no application error, drops and
 * failures counted and logged once, recovery, spans flushed on SIGTERM, the
 * same exit code as without llmeter, bounded memory) and reports the timing
 * figures (p99 latency, event-loop delay and CPU per request against the
 * collector-up windows around each fault, scrape time) without asserting
 * them: timings belong in a report, not in a pass/fail line on a shared
 * 2-core machine.
 *
 * Quick mode (default, in CI): one 5 s window of each fault between two up
 * windows. Long mode: LLMETER_SOAK=long (`pnpm soak`), a control block and
 * eight 5 s windows of each fault; its figures are in docs/reliability.md.
 * To look at a few faults more closely: LLMETER_SOAK_BLOCKS=slow,unavailable
 * LLMETER_SOAK_CYCLES=4 (the report's JSON has every window's figures).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helpers without type declarations
import { launchAgentService } from '../../examples/agent-service/launch.mjs';
// @ts-expect-error plain ESM helpers without type declarations
import { parsePrometheusText } from '../../examples/core-demo/prom-text.mjs';
import { findPrometheus, type PrometheusHandle, startPrometheus } from '../support/prometheus';
import { type CollectorMode, FaultyCollector } from './collector';
import { type LoadResult, percentile, runLoad, type Step } from './load';
import { type BlockFigures, formatReport, type SoakReport, type StateFigures } from './report';

const LONG = process.env.LLMETER_SOAK === 'long';
const RATE = Number(process.env.LLMETER_SOAK_RATE ?? 200);
const FAULTS: CollectorMode[] = ['refused', 'hanging', 'slow', 'unavailable', 'throttled'];
/**
 * Each fault is measured in a block of its own under one continuous load:
 * collector-up and faulty windows alternate (up, fault, up, ..., fault, up), and
 * the fault's figures are compared with those of the up windows around them. A
 * drift of the machine over minutes (its other tenants, the page cache) then
 * falls on both sides alike instead of being read as the fault's cost. Long
 * mode starts with a control block whose "faulty" windows are up too: the gap
 * it shows is the resolution of the comparison on the machine it ran on.
 */
const BLOCKS: CollectorMode[] = process.env.LLMETER_SOAK_BLOCKS
  ? (process.env.LLMETER_SOAK_BLOCKS.split(',') as CollectorMode[])
  : LONG
    ? ['up', ...FAULTS]
    : FAULTS;
const CYCLES = Number(process.env.LLMETER_SOAK_CYCLES ?? (LONG ? 8 : 1));
const WINDOW_MS = 5_000;
const WINDOWS_PER_BLOCK = 2 * CYCLES + 1;
const MB = 1024 * 1024;

const havePrometheus = findPrometheus() !== undefined;
if (!havePrometheus && process.env.CI)
  throw new Error('prometheus is required in CI (.ci/install-system-deps.sh)');

type Service = Awaited<ReturnType<typeof launchAgentService>>;
type Sample = { name: string; labels: Record<string, string>; value: number };
interface ProbeStats {
  cpuMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  rssAnonBytes?: number;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
}

const probe = new URL('./probe.mjs', import.meta.url).pathname;
const mockProcess = new URL('./mock-llm-process.mjs', import.meta.url).pathname;

/** The mock LLM in its own process (a remote model server), so the service's figures are its own. */
async function startRemoteMock(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [mockProcess], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`mock LLM exited (${code})`)));
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  return { url: JSON.parse(line).url, child };
}

const chat = (stream: boolean) => ({
  path: '/v1/chat/completions',
  body: {
    model: 'gpt-4.1-mini',
    ...(stream && { stream: true, stream_options: { include_usage: true } }),
    messages: [{ role: 'user', content: 'Summarize the forecast.' }],
  },
});
/**
 * The traffic mix, per 20 requests: served chat completions (12 JSON, 3 SSE),
 * 4 streamed chats relayed as SSE, 1 LangChain agent run with a tool call.
 * Weighted to the cheap routes so that 200 requests/s fit on a 2-core machine
 * with the harness, the mock LLM and Prometheus beside the service.
 */
const MIX: Step[] = [
  ...Array.from({ length: 12 }, () => chat(false)),
  ...Array.from({ length: 3 }, () => chat(true)),
  ...Array.from({ length: 4 }, (_, i) => ({
    path: '/chat/stream',
    body: { message: `Tell me a story, part ${i}.` },
  })),
  { path: '/agent', body: { question: 'What is the weather in Lisbon? (get_weather)' } },
];
// Interleaved as real traffic would be: a fixed permutation (7 and 20 are coprime).
const STEPS: Step[] = MIX.map((step, i) => [(i * 7) % MIX.length, step] as const)
  .sort((x, y) => x[0] - y[0])
  .map(([, step]) => step);

function serviceEnv(
  collector: FaultyCollector,
  upstreamUrl: string,
): Record<string, string | undefined> {
  return {
    OPENAI_API_KEY: undefined,
    OPENAI_BASE_URL: upstreamUrl,
    OTEL_SDK_DISABLED: undefined,
    OTEL_TRACES_SAMPLER: undefined,
    OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
    OTEL_TRACES_EXPORTER: undefined,
    OTEL_METRICS_EXPORTER: undefined,
    LLMETER_LOG_LEVEL: 'warn',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: collector.tracesUrl,
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: collector.metricsUrl,
    // Short intervals so every phase sees many exports, and a timeout above the slow answer.
    OTEL_BSP_SCHEDULE_DELAY: '500',
    OTEL_METRIC_EXPORT_INTERVAL: '1000',
    OTEL_EXPORTER_OTLP_TIMEOUT: '3000',
  };
}

async function launch(
  env: Record<string, string | undefined>,
): Promise<{ service: Service; probePort: number }> {
  const service: Service = await launchAgentService({
    env,
    nodeArgs: ['--expose-gc', '--import', probe],
  });
  const line = service.logs.find((l: { msg?: string }) => l.msg === 'soak probe listening');
  return { service, probePort: line.port };
}

/** The service's figures since the last call; `gc` first collects, so the heap is what is retained. */
async function stats(port: number, gc = false): Promise<ProbeStats> {
  const response = await fetch(`http://127.0.0.1:${port}/stats${gc ? '?gc=1' : ''}`);
  return (await response.json()) as ProbeStats;
}

async function scrape(service: Service): Promise<Sample[]> {
  return parsePrometheusText(await (await fetch(`${service.url}/metrics`)).text()).samples;
}

const total = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);

let collector: FaultyCollector;
let upstream: { url: string; child: ChildProcess };
let service: Service;
let probePort: number;
let prometheus: PrometheusHandle | undefined;
const blocks: BlockFigures[] = [];
const report: Partial<SoakReport> = {};

beforeAll(async () => {
  collector = await FaultyCollector.start();
  upstream = await startRemoteMock();
  ({ service, probePort } = await launch(serviceEnv(collector, upstream.url)));
  if (havePrometheus) {
    prometheus = await startPrometheus({
      targets: [{ job: 'soak', url: `${service.url}/metrics`, scrapeIntervalSeconds: 1 }],
    });
    await prometheus.waitForTargetsUp();
  }
  // Warm up (JIT, connection pools) before the collector-up figures are taken.
  await runLoad(service.url, STEPS, RATE, 3_000).done;
});

afterAll(async () => {
  await service?.stop();
  await prometheus?.close();
  await collector?.close();
  upstream?.child.kill('SIGTERM');
});

interface Window {
  state: 'up' | 'faulty';
  startMs: number;
  endMs: number;
  probe: ProbeStats;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Latencies of the requests sent from `fromMs` (inclusive) to `toMs` (exclusive), epoch ms. */
const sentBetween = (load: LoadResult, fromMs: number, toMs: number) =>
  load.latenciesMs.filter((_, i) => load.startedAtMs[i]! >= fromMs && load.startedAtMs[i]! < toMs);

/** The requests sent in a block's windows of one state, pooled, with the service's figures for them. */
function pool(windows: readonly Window[], state: Window['state'], load: LoadResult): StateFigures {
  const mine = windows.filter((w) => w.state === state);
  const latencies = mine.flatMap((w) => sentBetween(load, w.startMs, w.endMs));
  const cpuMs = mine.reduce((sum, w) => sum + w.probe.cpuMs, 0);
  return {
    requests: latencies.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    eventLoopP99Ms: mine.reduce((sum, w) => sum + w.probe.eventLoopDelayMs.p99, 0) / mine.length,
    eventLoopMaxMs: Math.max(...mine.map((w) => w.probe.eventLoopDelayMs.max)),
    cpuMsPerRequest: cpuMs / Math.max(1, latencies.length),
  };
}

/** A window's own p99, and that of the requests sent in its first second (just after the switch). */
function windowFigures(w: Window, load: LoadResult) {
  return {
    state: w.state,
    p99Ms: percentile(sentBetween(load, w.startMs, w.endMs), 99),
    firstSecondP99Ms: percentile(sentBetween(load, w.startMs, w.startMs + 1000), 99),
    restP99Ms: percentile(sentBetween(load, w.startMs + 1000, w.endMs), 99),
    eventLoopMaxMs: w.probe.eventLoopDelayMs.max,
  };
}

/** One block: up and `mode` windows alternating under one continuous load, ending on an up window. */
async function runBlock(mode: CollectorMode): Promise<BlockFigures & { lastUpStartMs: number }> {
  await collector.set('up');
  await stats(probePort); // a fresh event-loop and CPU window
  const load = runLoad(service.url, STEPS, RATE, WINDOWS_PER_BLOCK * WINDOW_MS + 60_000);
  const windows: Window[] = [];
  for (let i = 0; i < WINDOWS_PER_BLOCK; i++) {
    const state = i % 2 === 1 ? 'faulty' : 'up';
    await collector.set(state === 'faulty' ? mode : 'up');
    const startMs = Date.now();
    await sleep(WINDOW_MS);
    windows.push({ state, startMs, endMs: Date.now(), probe: await stats(probePort) });
  }
  load.stop();
  const result = await load.done;
  const memory = await stats(probePort, true);
  const durationMs = windows.at(-1)!.endMs - windows[0]!.startMs;
  return {
    mode,
    windows: CYCLES,
    sent: result.sent,
    failed: result.failed,
    failures: result.failures,
    achievedRate: result.ok / (durationMs / 1000),
    faulty: pool(windows, 'faulty', result),
    up: pool(windows, 'up', result),
    timeline: windows.map((w) => windowFigures(w, result)),
    rssMB: memory.rssBytes / MB,
    heapMB: memory.heapUsedBytes / MB,
    heapTotalMB: memory.heapTotalBytes / MB,
    externalMB: memory.externalBytes / MB,
    rssAnonMB: memory.rssAnonBytes === undefined ? undefined : memory.rssAnonBytes / MB,
    lastUpStartMs: windows.at(-1)!.startMs,
  };
}

describe(`soak under ${RATE} requests/s (${LONG ? 'long' : 'quick'} mode)`, () => {
  it(
    'serves every request while the collector is refused, hangs, is slow, answers 503/429, and comes back',
    async () => {
      let lastUpStartMs = 0;
      for (const mode of BLOCKS) {
        const { lastUpStartMs: at, ...figures } = await runBlock(mode);
        lastUpStartMs = at;
        blocks.push(figures);
      }
      for (const block of blocks) {
        expect(block.failures, `application errors with the collector ${block.mode}`).toEqual([]);
        expect(block.failed).toBe(0);
      }

      // Recovery: spans and metric exports arrive again once the collector is back.
      await expect
        .poll(() => collector.acceptedMetricExportsSince(lastUpStartMs), { timeout: 15_000 })
        .toBeGreaterThan(0);
      await expect
        .poll(
          () =>
            collector.spans().filter((span) => Number(span.endTimeUnixNano) / 1e6 > lastUpStartMs)
              .length,
          { timeout: 15_000 },
        )
        .toBeGreaterThan(0);
      report.blocks = blocks;
    },
    BLOCKS.length * (WINDOWS_PER_BLOCK * WINDOW_MS + 20_000) + 60_000,
  );

  it('counts dropped spans and failed exports in its self-metrics, and logs each failing signal once', async () => {
    const samples = await scrape(service);
    const failedTraces = total(samples, 'llmeter_sdk_exports_failed_total', {
      llmeter_signal: 'traces',
    });
    const failedMetrics = total(samples, 'llmeter_sdk_exports_failed_total', {
      llmeter_signal: 'metrics',
    });
    const dropped = total(samples, 'llmeter_sdk_spans_dropped_total');
    expect(failedTraces).toBeGreaterThan(0);
    expect(failedMetrics).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThan(0);
    const stderr: string = service.stderr();
    const lines = stderr.split('\n').filter(Boolean);
    expect(lines.filter((l) => l.includes('llmeter traces export failed'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('llmeter metrics export failed'))).toHaveLength(1);
    report.selfMetrics = {
      failedTraceExports: failedTraces,
      failedMetricExports: failedMetrics,
      droppedSpans: {
        queueFull: total(samples, 'llmeter_sdk_spans_dropped_total', { error_type: 'queue_full' }),
        exportFailed: total(samples, 'llmeter_sdk_spans_dropped_total', {
          error_type: 'export_failed',
        }),
      },
      stderrLines: lines.length,
    };
    expect(lines.length).toBeLessThan(20); // a failing collector does not flood the service's logs
  });

  it('keeps memory bounded through the faults', () => {
    report.rssGrowthMB = blocks.at(-1)!.rssMB - blocks[0]!.rssMB;
    // Retained heap (after a full GC) is the leak signal; RSS also holds what V8 has not
    // returned to the OS yet, so it is reported against the 30 MB target, not asserted.
    report.heapGrowthMB = blocks.at(-1)!.heapMB - blocks[0]!.heapMB;
    expect(report.heapGrowthMB).toBeLessThan(30);
  });

  it.skipIf(!havePrometheus)('answers every 1 s Prometheus scrape during the load', async () => {
    const window = `${Math.ceil((BLOCKS.length * (WINDOWS_PER_BLOCK * WINDOW_MS + 20_000) + 60_000) / 1000)}s`;
    const [up] = await prometheus!.query(`min_over_time(up{job="soak"}[${window}])`);
    const [scrapes] = await prometheus!.query(`count_over_time(up{job="soak"}[${window}])`);
    const [maxTime] = await prometheus!.query(
      `max_over_time(scrape_duration_seconds{job="soak"}[${window}])`,
    );
    const [avgTime] = await prometheus!.query(
      `avg_over_time(scrape_duration_seconds{job="soak"}[${window}])`,
    );
    expect(up!.value).toBe(1); // no failed scrape
    report.scrapes = {
      count: scrapes!.value,
      maxMs: maxTime!.value * 1000,
      avgMs: avgTime!.value * 1000,
    };
  });

  it('flushes every span that ended before SIGTERM, and exits as it would without llmeter', async () => {
    await collector.set('up');
    const load = runLoad(service.url, STEPS, RATE, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const signalledAt = Date.now();
    const exit = await service.stop(20_000);
    const exitedAfterMs = Date.now() - signalledAt;
    load.stop();
    const sent = await load.done;
    const endedBefore = sent.completed.filter((c) => c.at < signalledAt).map((c) => c.traceId);
    expect(endedBefore.length).toBeGreaterThan(100);
    const exported = new Set(collector.spans().map((s) => s.traceId));
    const missing = endedBefore.filter((id) => !exported.has(id));
    expect(missing).toEqual([]);

    // The same service without llmeter, stopped the same way.
    const plain = await launch({
      ...serviceEnv(collector, upstream.url),
      OTEL_SDK_DISABLED: 'true',
    });
    const plainLoad = runLoad(plain.service.url, STEPS, RATE, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const plainExit = await plain.service.stop(20_000);
    plainLoad.stop();
    await plainLoad.done;
    expect(exit).toEqual(plainExit);
    report.sigterm = {
      spansEndedBefore: endedBefore.length,
      missing: missing.length,
      exitedAfterMs,
      exit,
    };
  }, 90_000);

  it('writes the report', () => {
    const full = {
      mode: LONG ? 'long' : 'quick',
      rate: RATE,
      windowMs: WINDOW_MS,
      cycles: CYCLES,
      ...report,
    } as SoakReport;
    const markdown = formatReport(full);
    const dir = new URL('../../.tmp/reliability/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    writeFileSync(new URL(`soak-${full.mode}.json`, dir), JSON.stringify(full, null, 2));
    writeFileSync(new URL(`soak-${full.mode}.md`, dir), markdown);
    console.log(markdown);
  });
});
