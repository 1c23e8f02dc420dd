/** The soak's figures, and the Markdown table docs/reliability.md publishes. */
import type { CollectorMode } from './collector';

/** What the soak measured in a block's windows of one state (collector up, or faulty), pooled. */
export interface StateFigures {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  /** The service's event-loop delay: the mean of the windows' p99s, and the largest delay seen. */
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  /** The service's CPU time (user + system) in those windows, per request sent in them. */
  cpuMsPerRequest: number;
}

/** One fault's block: `windows` faulty windows, each between two collector-up windows. */
export interface BlockFigures {
  /** The fault; `up` for the control block, whose "faulty" windows are up too. */
  mode: CollectorMode;
  windows: number;
  sent: number;
  failed: number;
  failures: string[];
  achievedRate: number;
  faulty: StateFigures;
  up: StateFigures;
  /** Window by window, in order: where in a window the slow requests were. */
  timeline?: Array<{
    state: 'up' | 'faulty';
    p99Ms: number;
    firstSecondP99Ms: number;
    restP99Ms: number;
    eventLoopMaxMs: number;
  }>;
  /** Memory at the end of the block, after a full GC: resident, retained heap, heap V8 holds, buffers. */
  rssMB: number;
  heapMB: number;
  heapTotalMB: number;
  externalMB: number;
  /** Anonymous resident memory (heaps, malloc), without the mapped node binary; where /proc has it. */
  rssAnonMB?: number;
}

export interface SoakReport {
  mode: 'quick' | 'long';
  rate: number;
  windowMs: number;
  cycles: number;
  blocks: BlockFigures[];
  selfMetrics: {
    failedTraceExports: number;
    failedMetricExports: number;
    droppedSpans: { queueFull: number; exportFailed: number };
    stderrLines: number;
  };
  rssGrowthMB: number;
  heapGrowthMB: number;
  scrapes?: { count: number; maxMs: number; avgMs: number };
  sigterm: {
    spansEndedBefore: number;
    missing: number;
    exitedAfterMs: number;
    exit: { code: number | null; signal: string | null };
  };
}

const f = (n: number | undefined, digits = 1) =>
  n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits);
const signed = (fraction: number) => `${fraction >= 0 ? '+' : ''}${f(fraction * 100, 0)} %`;

/** A faulty p99 against that of the up windows around it, as a fraction: +0.05 is 5 % slower. */
export const p99AgainstUp = (b: BlockFigures) => b.faulty.p99Ms / b.up.p99Ms - 1;

/**
 * The same p99 against the control block's up windows (long mode): the up
 * windows around a fault also hold the collector's recovery, and the run's drift.
 */
export function p99AgainstControl(blocks: readonly BlockFigures[], b: BlockFigures) {
  const control = blocks.find((c) => c.mode === 'up');
  return control && b !== control ? b.faulty.p99Ms / control.up.p99Ms - 1 : undefined;
}

export function formatReport(r: SoakReport): string {
  const blocks = r.blocks ?? [];
  const lines = [
    `Soak (${r.mode} mode): ${r.rate} requests/s offered; per collector state, ${r.cycles} faulty window(s) of ${
      r.windowMs / 1000
    } s, each between two collector-up windows, under one continuous load.`,
    '',
    '| collector | requests (faulty / up) | app errors | p50 (ms) | p99 (ms) | p99 of the up windows (ms) | p99 vs up | p99 vs the control | event-loop p99, faulty / up (ms) | event-loop max (ms) | CPU per request, faulty / up (ms) | RSS (MB) | heap after GC (MB) | V8 heap held (MB) |',
    '|---|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const b of blocks) {
    const against = p99AgainstUp(b);
    const control = p99AgainstControl(blocks, b);
    const name = b.mode === 'up' ? 'up (control)' : b.mode;
    lines.push(
      `| ${name} | ${b.faulty.requests} / ${b.up.requests} | ${b.failed} | ${f(b.faulty.p50Ms)} | ${f(
        b.faulty.p99Ms,
      )} | ${f(b.up.p99Ms)} | ${signed(against)}${against <= 0.05 ? ' ✓' : ''} | ${
        control === undefined ? '—' : signed(control)
      } | ${f(
        b.faulty.eventLoopP99Ms,
      )} / ${f(b.up.eventLoopP99Ms)} | ${f(Math.max(b.faulty.eventLoopMaxMs, b.up.eventLoopMaxMs))} | ${f(
        b.faulty.cpuMsPerRequest,
        2,
      )} / ${f(b.up.cpuMsPerRequest, 2)} | ${f(b.rssMB, 0)} | ${f(b.heapMB, 0)} | ${f(b.heapTotalMB, 0)} |`,
    );
  }
  const windows = blocks.flatMap((b) => b.timeline ?? []);
  if (windows.length > 0) {
    const range = (state: 'up' | 'faulty') => {
      const p99s = windows.filter((w) => w.state === state).map((w) => w.p99Ms);
      return `${f(Math.min(...p99s), 0)}–${f(Math.max(...p99s), 0)} ms`;
    };
    lines.push(
      '',
      `Window by window (${windows.length} windows of ${r.windowMs / 1000} s), p99 ranged ${range('up')} in up windows and ${range(
        'faulty',
      )} in faulty ones; the largest event-loop delay in a window was ${f(
        Math.max(...windows.map((w) => w.eventLoopMaxMs)),
        0,
      )} ms.`,
    );
  }
  const s = r.selfMetrics;
  if (s) {
    lines.push(
      '',
      `Counted by llmeter: ${s.failedTraceExports} failed trace exports, ${s.failedMetricExports} failed metric exports, ` +
        `${s.droppedSpans.queueFull} spans dropped on a full queue and ${s.droppedSpans.exportFailed} in failed batches; ` +
        `${s.stderrLines} lines on the service's stderr in all.`,
    );
  }
  if (r.rssGrowthMB !== undefined) {
    lines.push(
      `Growth from the end of the first block to the end of the last: retained heap ${f(r.heapGrowthMB)} MB, RSS ${f(r.rssGrowthMB)} MB (target < 30 MB).`,
    );
  }
  if (r.scrapes) {
    lines.push(
      `Prometheus scraped /metrics ${r.scrapes.count} times (every 1 s), none failed; scrape time avg ${f(r.scrapes.avgMs)} ms, max ${f(r.scrapes.maxMs)} ms.`,
    );
  }
  if (r.sigterm) {
    lines.push(
      `SIGTERM under load: ${r.sigterm.spansEndedBefore} requests had completed before the signal, ${r.sigterm.missing} of their traces missing at the collector; ` +
        `exit ${JSON.stringify(r.sigterm.exit)} after ${r.sigterm.exitedAfterMs} ms, the same as the service without llmeter.`,
    );
  }
  return `${lines.join('\n')}\n`;
}
