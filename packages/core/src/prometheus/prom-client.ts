/// <reference path="./prom-client-lib.d.ts" />
import { createRequire } from 'node:module';
import type * as PromClientIndex from 'prom-client';
import GaugeClass from 'prom-client/lib/gauge.js';
import RegistryClass from 'prom-client/lib/registry.js';
import { reportInternalError } from '../internal-log';

/**
 * prom-client's classes that every init() uses, loaded without its index: the
 * index also loads the Pushgateway (https, tls: ~9 ms), the process metrics
 * (~6 ms, and in an ES module service a second, CommonJS copy of
 * @opentelemetry/api: ~17 ms) and the cluster aggregator. Same files, so the
 * same classes as an application's `import 'prom-client'`. Typed from the
 * index, so that no declaration file names prom-client's lib/ paths.
 */
export const Gauge: typeof PromClientIndex.Gauge = GaugeClass;
export const Registry: typeof PromClientIndex.Registry = RegistryClass;
export type Registry<
  T extends PromClientIndex.RegistryContentType = PromClientIndex.PrometheusContentType,
> = PromClientIndex.Registry<T>;

/**
 * prom-client's process metrics on `registry`, loaded now, synchronously, as
 * init() registered them before: only some services turn them on. A bundle
 * that leaves prom-client out gets no process metrics and an internal error
 * log, never a throw. `__filename` is CommonJS's own, and tsup's shim in the ES
 * module build (tsup.config.ts).
 */
export function collectProcessMetrics(registry: Registry): void {
  try {
    const index: typeof PromClientIndex = createRequire(__filename)('prom-client');
    index.collectDefaultMetrics({ register: registry });
  } catch (error) {
    reportInternalError('prometheus.processMetrics', error);
  }
}

/** prom-client's Pushgateway, loaded when it is used (at shutdown). */
export async function loadPushgateway(): Promise<typeof PromClientIndex.Pushgateway> {
  return (await import('prom-client')).Pushgateway;
}
