import type { Metric, Registry } from 'prom-client';
import { warnOnce } from '../internal-log';

/**
 * Marks llmeter's own metric objects. A global symbol, because the ESM and
 * CommonJS builds may both be loaded in one process and must recognise each
 * other's objects.
 */
const OWNED = Symbol.for('llmeter.promMetric');

/** Declares `metric` as llmeter's: only such objects are ever replaced in an application's registry. */
export function markOwned<T extends object>(metric: T): T {
  (metric as Record<symbol, unknown>)[OWNED] = true;
  return metric;
}

function isOwned(metric: unknown): boolean {
  return typeof metric === 'object' && metric !== null && OWNED in metric;
}

/**
 * Registers llmeter's `metric` in an application's registry. A metric of the
 * same name that llmeter left there (a re-init) is replaced; one that the
 * application owns is never touched: llmeter warns once and its series stay
 * served by llmeter's own registry only.
 */
export function registerInAppRegistry(registry: Registry, metric: Metric, name: string): void {
  const existing = registry.getSingleMetric(name);
  if (existing !== undefined) {
    if (!isOwned(existing)) {
      warnOnce(
        `prom:clash:${name}`,
        "an application metric has the name of one of llmeter's: llmeter leaves it in place and serves its own series only on llmeter's /metrics",
        { metric: name },
      );
      return;
    }
    registry.removeSingleMetric(name);
  }
  registry.registerMetric(metric);
}
