import type { GpuSample } from './types';

const MIB = 1024 * 1024;
const UUID_SHAPE = /^(?:GPU|MIG)-[A-Za-z0-9-]{1,120}$/;

export interface ParsedGpus {
  gpus: GpuSample[];
  /** Lines that did not look like one GPU (skipped). */
  badLines: number;
}

/**
 * Parses `nvidia-smi --query-gpu=uuid,index,name,utilization.gpu,memory.used,
 * memory.total,power.draw --format=csv,noheader,nounits`. A field nvidia-smi
 * cannot read (`[N/A]`, `[Not Supported]`) is left out of that GPU's sample;
 * a line without a GPU UUID and index is skipped and counted.
 */
export function parseNvidiaSmi(stdout: string): ParsedGpus {
  const gpus: GpuSample[] = [];
  let badLines = 0;
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.length === 0) continue;
    const gpu = parseLine(line);
    if (gpu) gpus.push(gpu);
    else badLines++;
  }
  return { gpus, badLines };
}

function parseLine(line: string): GpuSample | undefined {
  const fields = line.split(',').map((f) => f.trim());
  if (fields.length < 7) return undefined;
  const uuid = fields[0]!;
  const index = Number(fields[1]);
  if (!UUID_SHAPE.test(uuid) || !Number.isInteger(index) || index < 0) return undefined;
  // A product name could hold a comma: the last four fields are the numbers.
  const n = fields.length;
  const gpu: GpuSample = {
    uuid,
    index,
    name: fields
      .slice(2, n - 4)
      .join(', ')
      .slice(0, 128),
  };
  const util = reading(fields[n - 4]!, 0, 100);
  const used = reading(fields[n - 3]!, 0, Number.MAX_SAFE_INTEGER / MIB);
  const total = reading(fields[n - 2]!, 0, Number.MAX_SAFE_INTEGER / MIB);
  const power = reading(fields[n - 1]!, 0, 100_000);
  if (util !== undefined) gpu.utilizationRatio = util / 100;
  if (used !== undefined) gpu.memoryUsedBytes = used * MIB;
  if (total !== undefined) gpu.memoryTotalBytes = total * MIB;
  if (power !== undefined) gpu.powerWatts = power;
  return gpu;
}

/** A number within bounds, or undefined (`[N/A]`, `[Not Supported]`, garbage). */
function reading(field: string, min: number, max: number): number | undefined {
  if (field.length === 0 || !/^[-+]?\d*\.?\d+(?:[eE][-+]?\d+)?$/.test(field)) return undefined;
  const value = Number(field);
  return Number.isFinite(value) && value >= min && value <= max ? value : undefined;
}
