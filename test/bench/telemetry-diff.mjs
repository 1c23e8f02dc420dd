#!/usr/bin/env node
// Diffs the telemetry of two builds over the same workload: `node telemetry-diff.mjs <old root> <new root>`
// (each a checkout with `pnpm run build` done). Compares /metrics (OpenMetrics, Prometheus text,
// prom-client's rendering of llmeter's and of an application's registry) and the OTLP metric
// export (decoded protobuf, and an in-memory cumulative reader) in both semconv modes and every
// temporality preference, and the finished spans (names, ids' relations, attributes in their
// order, status, events). Exits 1 on any difference.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

const [oldRoot, newRoot] = process.argv.slice(2);
if (!oldRoot || !newRoot) {
  process.stderr.write('usage: node telemetry-diff.mjs <old root> <new root>\n');
  process.exit(2);
}
const child = fileURLToPath(new URL('./telemetry-child.mjs', import.meta.url));
const run = (root, semconv, temporality) =>
  JSON.parse(
    execFileSync(process.execPath, [child, root, semconv, temporality], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    }),
  );

/** The first differing path, or undefined. */
function firstDifference(a, b, path = '') {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null)
    return `${path}: ${JSON.stringify(a)?.slice(0, 300)} ≠ ${JSON.stringify(b)?.slice(0, 300)}`;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const d = firstDifference(a[key], b[key], `${path}.${key}`);
    if (d) return d;
  }
  return `${path}: differs`;
}

let failed = false;
for (const semconv of ['default', 'latest']) {
  for (const temporality of ['delta', 'cumulative', 'lowmemory']) {
    const [a, b] = [run(oldRoot, semconv, temporality), run(newRoot, semconv, temporality)];
    const points = JSON.stringify(a.otlp).match(/"startTimeUnixNano"/g)?.length ?? 0;
    const difference = firstDifference(a, b);
    process.stdout.write(
      `${semconv.padEnd(8)} ${temporality.padEnd(11)} ${difference ? `DIFFERENT ${difference}` : 'identical'} (${a.otlp.length} OTLP exports, ${points} points, ${a.spans.length} spans)\n`,
    );
    if (difference) failed = true;
  }
}
process.exit(failed ? 1 : 0);
