import type { Meter } from '@opentelemetry/api';
import { METRIC } from '../constants';
import { GPU_INFO_PROM_NAME } from '../metrics/definitions';
import { markOwned, registerInAppRegistry } from '../metrics/registration';
import { Gauge, type Registry } from './prom-client';

/**
 * `llmeter_gpu_info{UUID="GPU-…"} 1` per GPU allocated to this pod, so PromQL
 * can join llmeter's series with DCGM's on the `UUID` label. The label keeps
 * DCGM's exact spelling for that reason.
 */
export function registerGpuInfo(
  uuids: string[],
  registry: Registry,
  extraRegistries: Registry[],
  meter: Meter | undefined,
): void {
  if (uuids.length === 0) return;
  const gauge = markOwned(
    new Gauge({
      name: GPU_INFO_PROM_NAME,
      help: 'GPUs allocated to this pod (from NVIDIA_VISIBLE_DEVICES), for joins with DCGM on UUID.',
      labelNames: ['UUID'],
      registers: [registry],
    }),
  );
  for (const uuid of uuids) gauge.set({ UUID: uuid }, 1);
  for (const extra of extraRegistries) registerInAppRegistry(extra, gauge, GPU_INFO_PROM_NAME);
  meter
    ?.createObservableGauge(METRIC.GPU_INFO, {
      description: 'GPUs allocated to this pod (from NVIDIA_VISIBLE_DEVICES).',
    })
    .addCallback((result) => {
      for (const uuid of uuids) result.observe(1, { UUID: uuid });
    });
}
