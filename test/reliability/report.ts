/** The soak's figures, and the Markdown table docs/reliability.md publishes. */
import type { CollectorMode } from './collector';

export interface PhaseFigures {
  mode: CollectorMode;
  sent: number;
  failed: number;
  failures: string[];
  achievedRate: number;
  p50Ms: number;
  p99Ms: number;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  rssMB: number;
  heapMB: number;
}

export interface SoakReport {
  mode: 'quick' | 'long';
  rate: number;
  phaseMs: number;
  phases: PhaseFigures[];
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
/** Within 5 % of the collector-up phase (the target), as a mark. */
const within = (value: number, base: number) =>
  value <= base * 1.05 ? '✓' : `+${f(((value - base) / base) * 100, 0)} %`;

export function formatReport(r: SoakReport): string {
  const base = r.phases?.[0];
  const lines = [
    `Soak (${r.mode} mode): ${r.rate} requests/s offered, ${r.phaseMs / 1000} s per collector state.`,
    '',
    '| collector | requests | app errors | rate (req/s) | p50 (ms) | p99 (ms) | p99 vs up | event-loop p99 (ms) | event-loop max (ms) | RSS (MB) | heap used (MB) |',
    '|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|',
  ];
  for (const p of r.phases ?? []) {
    lines.push(
      `| ${p.mode} | ${p.sent} | ${p.failed} | ${f(p.achievedRate, 0)} | ${f(p.p50Ms)} | ${f(p.p99Ms)} | ${
        base ? within(p.p99Ms, base.p99Ms) : '—'
      } | ${f(p.eventLoopP99Ms)} | ${f(p.eventLoopMaxMs)} | ${f(p.rssMB, 0)} | ${f(p.heapMB, 0)} |`,
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
      `Growth from the end of the first phase to the end of the last: retained heap ${f(r.heapGrowthMB)} MB, RSS ${f(r.rssGrowthMB)} MB (target < 30 MB).`,
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
