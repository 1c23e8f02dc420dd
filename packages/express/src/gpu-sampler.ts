import { execFile } from 'node:child_process';
import { getLLMeter } from '@llmeter/core';
import { reportInternalError } from '@llmeter/core/internal';
import type { Meter, ObservableGauge, ObservableResult } from '@opentelemetry/api';
import { Gauge, type Registry } from 'prom-client';
import {
  GPU_LABEL,
  GPU_METRIC,
  GPU_PROM_METRIC,
  GPU_SAMPLER_DEFAULTS,
  GPU_UNIT,
  NVIDIA_SMI_ARGS,
} from './constants';
import { parseNvidiaSmi } from './gpu-parse';
import { OnceLogger } from './internal';
import type { GpuSample, GpuSampler, GpuSamplerOptions } from './types';

type Field = 'utilizationRatio' | 'memoryUsedBytes' | 'memoryTotalBytes' | 'powerWatts';

interface GaugeSpec {
  field: Field;
  prom: string;
  otel: string;
  unit: string;
  help: string;
}

const GAUGES: readonly GaugeSpec[] = [
  {
    field: 'utilizationRatio',
    prom: GPU_PROM_METRIC.UTILIZATION,
    otel: GPU_METRIC.UTILIZATION,
    unit: GPU_UNIT.RATIO,
    help: 'GPU utilization (0-1) as nvidia-smi reports it, per GPU UUID.',
  },
  {
    field: 'memoryUsedBytes',
    prom: GPU_PROM_METRIC.MEMORY_USED,
    otel: GPU_METRIC.MEMORY_USED,
    unit: GPU_UNIT.BYTES,
    help: 'GPU framebuffer memory used, per GPU UUID.',
  },
  {
    field: 'memoryTotalBytes',
    prom: GPU_PROM_METRIC.MEMORY_TOTAL,
    otel: GPU_METRIC.MEMORY_TOTAL,
    unit: GPU_UNIT.BYTES,
    help: 'GPU framebuffer memory total, per GPU UUID.',
  },
  {
    field: 'powerWatts',
    prom: GPU_PROM_METRIC.POWER,
    otel: GPU_METRIC.POWER,
    unit: GPU_UNIT.WATTS,
    help: 'GPU power draw, per GPU UUID.',
  },
];

const LABEL_NAMES = [GPU_LABEL.UUID, GPU_LABEL.INDEX, GPU_LABEL.MODEL_NAME];
/** nvidia-smi's CSV for even a large node is a few KiB; anything far bigger is not it. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

/**
 * Samples `nvidia-smi` on an interval and exposes utilization, memory and
 * power per GPU, labelled `UUID` as DCGM exporter labels them, on llmeter's
 * /metrics (and as OTel observable gauges when a meter is available). No
 * native dependency; runs never overlap; timers are unref'd. No GPU, no
 * driver or no nvidia-smi means no series and one info line, never an error.
 */
export function startGpuSampler(options: GpuSamplerOptions = {}): GpuSampler {
  const intervalMs = positive(options.intervalMs) ?? GPU_SAMPLER_DEFAULTS.INTERVAL_MS;
  const timeoutMs = positive(options.timeoutMs) ?? GPU_SAMPLER_DEFAULTS.TIMEOUT_MS;
  const binary = options.nvidiaSmiPath || GPU_SAMPLER_DEFAULTS.NVIDIA_SMI;
  const log = new OnceLogger();
  const prom = new PromGauges();
  const otel = new OtelGauges(options.meter ?? getLLMeter()?.meter, () => gpus);

  let gpus: readonly GpuSample[] = [];
  let running: Promise<readonly GpuSample[]> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let gaveUp = false;

  const publish = (next: readonly GpuSample[]) => {
    gpus = next;
    if (!stopped) prom.publish(next);
  };

  const runOnce = () =>
    new Promise<readonly GpuSample[]>((resolve) => {
      if (getLLMeter()?.enabled === false) {
        resolve(gpus); // OTEL_SDK_DISABLED: do not even spawn
        return;
      }
      execFile(
        binary,
        [...NVIDIA_SMI_ARGS],
        {
          timeout: timeoutMs,
          killSignal: 'SIGKILL',
          maxBuffer: MAX_OUTPUT_BYTES,
          windowsHide: true,
          encoding: 'utf8',
        },
        (error, stdout) => {
          try {
            if (error) {
              publish([]);
              explain(error as NodeJS.ErrnoException & { killed?: boolean });
            } else {
              const parsed = parseNvidiaSmi(stdout);
              if (parsed.badLines > 0) {
                log.info('gpu:garbage', 'GPU sampler: skipped nvidia-smi lines it could not read', {
                  badLines: parsed.badLines,
                });
              }
              if (parsed.gpus.length === 0) {
                log.info('gpu:none', 'GPU sampler: nvidia-smi reports no GPU; no GPU series');
              }
              publish(parsed.gpus);
            }
          } catch (e) {
            reportInternalError('express.gpuSampler', e);
          }
          resolve(gpus);
        },
      );
    });

  const explain = (error: NodeJS.ErrnoException & { killed?: boolean }) => {
    if (error.code === 'ENOENT') {
      gaveUp = true; // the binary will not appear later; stop spawning
      log.info('gpu:missing', 'GPU sampler: nvidia-smi not found; no GPU series', {
        nvidiaSmiPath: binary,
      });
    } else if (error.killed) {
      log.info('gpu:timeout', 'GPU sampler: nvidia-smi timed out; no GPU series for now', {
        timeoutMs,
      });
    } else {
      log.info('gpu:failed', 'GPU sampler: nvidia-smi failed (no GPU or driver?); no GPU series', {
        code: error.code,
      });
    }
  };

  const sampleNow = (): Promise<readonly GpuSample[]> => {
    if (stopped || gaveUp) return Promise.resolve(gpus);
    running ??= runOnce().finally(() => {
      running = undefined;
    });
    return running;
  };

  const schedule = () => {
    if (stopped || gaveUp) return;
    timer = setTimeout(() => {
      timer = undefined;
      sampleNow().then(schedule, schedule);
    }, intervalMs);
    timer.unref();
  };

  sampleNow().then(schedule, schedule);

  return {
    get gpus() {
      return gpus;
    },
    sampleNow,
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      gpus = [];
      prom.remove();
      otel.remove();
    },
  };
}

/**
 * The prom-client side. Gauges are registered in the registry of whichever
 * llmeter instance runs when a sample lands, so a sampler started before
 * init() (or across a re-init) still ends up on /metrics.
 */
class PromGauges {
  private readonly gauges = GAUGES.map(
    (spec) =>
      new Gauge({ name: spec.prom, help: spec.help, labelNames: LABEL_NAMES, registers: [] }),
  );
  private registry: Registry | undefined;

  publish(gpus: readonly GpuSample[]): void {
    // No GPU: not even an empty family on /metrics.
    this.attach(gpus.length > 0 ? getLLMeter()?.promRegistry : undefined);
    // Reset, then set: a GPU that vanished loses its series in the same tick.
    GAUGES.forEach((spec, i) => {
      const gauge = this.gauges[i]!;
      gauge.reset();
      for (const gpu of gpus) {
        const value = gpu[spec.field];
        if (value !== undefined) gauge.set(labelsOf(gpu), value);
      }
    });
  }

  remove(): void {
    for (const gauge of this.gauges) gauge.reset();
    this.detach();
  }

  private attach(registry: Registry | undefined): void {
    if (registry === this.registry) return;
    this.detach();
    this.registry = registry;
    if (!registry) return;
    for (const gauge of this.gauges) {
      const name = (gauge as unknown as { name: string }).name;
      registry.removeSingleMetric(name); // a previous sampler's: the newest one wins
      registry.registerMetric(gauge);
    }
  }

  private detach(): void {
    const registry = this.registry;
    this.registry = undefined;
    if (!registry) return;
    for (const gauge of this.gauges) {
      const name = (gauge as unknown as { name: string }).name;
      if (registry.getSingleMetric(name) === gauge) registry.removeSingleMetric(name);
    }
  }
}

/** The OTel side: observable gauges read the last sample at each collection. */
class OtelGauges {
  private readonly registered: Array<{
    gauge: ObservableGauge;
    callback: (r: ObservableResult) => void;
  }> = [];

  constructor(meter: Meter | undefined, current: () => readonly GpuSample[]) {
    if (!meter) return;
    try {
      for (const spec of GAUGES) {
        const gauge = meter.createObservableGauge(spec.otel, {
          unit: spec.unit,
          description: spec.help,
        });
        const callback = (result: ObservableResult) => {
          for (const gpu of current()) {
            const value = gpu[spec.field];
            if (value !== undefined) result.observe(value, labelsOf(gpu));
          }
        };
        gauge.addCallback(callback);
        this.registered.push({ gauge, callback });
      }
    } catch (error) {
      reportInternalError('express.gpuSampler.otel', error);
    }
  }

  remove(): void {
    for (const { gauge, callback } of this.registered) gauge.removeCallback(callback);
    this.registered.length = 0;
  }
}

function labelsOf(gpu: GpuSample): Record<string, string> {
  return {
    [GPU_LABEL.UUID]: gpu.uuid,
    [GPU_LABEL.INDEX]: String(gpu.index),
    [GPU_LABEL.MODEL_NAME]: gpu.name,
  };
}

function positive(value: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
