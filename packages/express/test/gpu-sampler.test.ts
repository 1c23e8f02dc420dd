import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { internalLogger } from '@llmeter/core/internal';
import { GPU_PROM_METRIC, NVIDIA_SMI_ARGS, startGpuSampler } from '@llmeter/express';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseNvidiaSmi } from '../src/gpu-parse';

const H100 = 'GPU-5fd4c5e0-7a1b-4c2d-9e3f-0123456789ab';
const A10 = 'GPU-aa11bb22-cc33-dd44-ee55-ff6677889900';
const TWO_GPUS = [
  `${H100}, 0, NVIDIA H100 80GB HBM3, 45, 1024, 81559, 350.12`,
  `${A10}, 1, NVIDIA A10G, 0, 0, 23028, [N/A]`,
].join('\n');

const dir = mkdtempSync(join(tmpdir(), 'llmeter-fake-smi-'));
const originalPath = process.env.PATH;
let t: InMemoryLLMeter;
let info: { mock: { calls: unknown[][] } };
let stops: Array<() => void> = [];

/** Puts an executable `nvidia-smi` into its own directory and that directory first on PATH. */
function fakeNvidiaSmi(name: string, script: string): string {
  const bin = join(dir, name);
  mkdirSync(bin, { recursive: true });
  const file = join(bin, 'nvidia-smi');
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  process.env.PATH = `${bin}:${originalPath}`;
  return file;
}

function sampler(options: Parameters<typeof startGpuSampler>[0] = {}) {
  const s = startGpuSampler({ intervalMs: 60_000, ...options });
  stops.push(() => s.stop());
  return s;
}

beforeEach(() => {
  t = setupInMemory();
  info = vi.spyOn(internalLogger(), 'info');
});
afterEach(async () => {
  for (const stop of stops) stop();
  stops = [];
  process.env.PATH = originalPath;
  vi.restoreAllMocks();
  await t.shutdown();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const gpuInfoLines = () =>
  info.mock.calls.filter((c: unknown[]) => String(c[1]).startsWith('GPU sampler'));

describe('GPU sampler with a fake nvidia-smi', () => {
  it('exposes utilization, memory and power per GPU UUID, found on PATH', async () => {
    const argsFile = join(dir, 'args.txt');
    fakeNvidiaSmi('present', `printf '%s\\n' "$@" > '${argsFile}'\ncat <<'EOF'\n${TWO_GPUS}\nEOF`);
    const s = sampler();
    const gpus = await s.sampleNow();
    expect(gpus.map((g) => g.uuid)).toEqual([H100, A10]);
    expect(readFileSync(argsFile, 'utf8').trim().split('\n')).toEqual([...NVIDIA_SMI_ARGS]);

    const text = await t.metricsText();
    const h100 = `{UUID="${H100}",gpu="0",modelName="NVIDIA H100 80GB HBM3"}`;
    const a10 = `{UUID="${A10}",gpu="1",modelName="NVIDIA A10G"}`;
    expect(text).toContain(`# TYPE ${GPU_PROM_METRIC.UTILIZATION} gauge`);
    expect(text).toContain(`${GPU_PROM_METRIC.UTILIZATION}${h100} 0.45`);
    expect(text).toContain(`${GPU_PROM_METRIC.UTILIZATION}${a10} 0`);
    expect(text).toContain(`${GPU_PROM_METRIC.MEMORY_USED}${h100} ${1024 * 1024 * 1024}`);
    expect(text).toContain(`${GPU_PROM_METRIC.MEMORY_TOTAL}${a10} ${23028 * 1024 * 1024}`);
    expect(text).toContain(`${GPU_PROM_METRIC.POWER}${h100} 350.12`);
    // [N/A] power: no series for that GPU rather than a made-up zero
    expect(text).not.toContain(`${GPU_PROM_METRIC.POWER}${a10}`);
    expect(gpuInfoLines()).toHaveLength(0);

    s.stop();
    expect(await t.metricsText()).not.toContain(GPU_PROM_METRIC.UTILIZATION);
  });

  it('also reports OTel observable gauges on a given meter', async () => {
    fakeNvidiaSmi('present-otel', `cat <<'EOF'\n${TWO_GPUS}\nEOF`);
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
    const provider = new MeterProvider({ readers: [reader] });
    const s = sampler({ meter: provider.getMeter('test') });
    await s.sampleNow();
    await reader.forceFlush();
    const metrics = exporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((m) => m.metrics));
    const util = metrics.find((m) => m.descriptor.name === 'llmeter.gpu.utilization')!;
    expect(util.descriptor.unit).toBe('1');
    expect(util.dataPoints.map((p) => [p.attributes.UUID, p.value])).toEqual([
      [H100, 0.45],
      [A10, 0],
    ]);
    await provider.shutdown();
  });

  it('is silent but for one info line when nvidia-smi is missing, and stops trying', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    process.env.PATH = empty;
    const s = sampler({ intervalMs: 5 });
    expect(await s.sampleNow()).toEqual([]);
    await new Promise((r) => setTimeout(r, 60));
    expect(await s.sampleNow()).toEqual([]);
    expect(gpuInfoLines()).toHaveLength(1);
    expect(String(gpuInfoLines()[0]![1])).toContain('not found');
    expect(await t.metricsText()).not.toContain('llmeter_gpu_');
  });

  it('reports no series and one info line when nvidia-smi fails (no driver)', async () => {
    fakeNvidiaSmi(
      'no-driver',
      "echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.'\nexit 9",
    );
    const s = sampler();
    await s.sampleNow();
    await s.sampleNow();
    expect(s.gpus).toEqual([]);
    expect(gpuInfoLines()).toHaveLength(1);
    expect(await t.metricsText()).not.toContain('llmeter_gpu_');
  });

  it('skips garbage lines, keeps good ones, and says so once', async () => {
    fakeNvidiaSmi(
      'garbage',
      `cat <<'EOF'\nNo devices were found? maybe\n\u0000\u0001 binary junk, , ,\n${TWO_GPUS.split('\n')[0]}\nGPU-x, notanumber, name, 1, 2, 3, 4\nEOF`,
    );
    const s = sampler();
    expect((await s.sampleNow()).map((g) => g.uuid)).toEqual([H100]);
    await s.sampleNow();
    expect(gpuInfoLines()).toHaveLength(1);
    expect(await t.metricsText()).toContain(`UUID="${H100}"`);
  });

  it('reports no series and never throws when every line is garbage', async () => {
    fakeNvidiaSmi(
      'all-garbage',
      `cat <<'EOF'\n\u0000\u0001\u0002\nnot, csv, at, all\nGPU-x, NaN, ?, -, [N/A]\n${'z'.repeat(10_000)}\nEOF`,
    );
    const s = sampler();
    expect(await s.sampleNow()).toEqual([]);
    const said = gpuInfoLines().length; // the bad lines, and no GPU found: each once
    expect(said).toBeGreaterThan(0);
    expect(said).toBeLessThanOrEqual(2);
    expect(await s.sampleNow()).toEqual([]);
    expect(gpuInfoLines()).toHaveLength(said);
    expect(await t.metricsText()).not.toContain('llmeter_gpu_');
  });

  it('gives up on a hanging nvidia-smi after the timeout', async () => {
    fakeNvidiaSmi('hang', 'exec sleep 30');
    const s = sampler({ timeoutMs: 200 });
    const before = performance.now();
    expect(await s.sampleNow()).toEqual([]);
    expect(performance.now() - before).toBeLessThan(5000);
    expect(String(gpuInfoLines()[0]![1])).toContain('timed out');
  });

  it('never runs two nvidia-smi at once', async () => {
    const log = join(dir, 'runs.log');
    writeFileSync(log, '');
    fakeNvidiaSmi(
      'slow',
      `echo start >> '${log}'\nsleep 0.1\necho end >> '${log}'\ncat <<'EOF'\n${TWO_GPUS}\nEOF`,
    );
    const s = sampler({ intervalMs: 5 });
    await Promise.all([s.sampleNow(), s.sampleNow(), s.sampleNow()]);
    await new Promise((r) => setTimeout(r, 400));
    s.stop();
    await new Promise((r) => setTimeout(r, 150));
    const runs = readFileSync(log, 'utf8').trim().split('\n');
    expect(runs.length).toBeGreaterThanOrEqual(4);
    for (let i = 0; i < runs.length; i += 2) {
      expect(runs.slice(i, i + 2)).toEqual(['start', 'end']);
    }
  });
});

describe('parseNvidiaSmi', () => {
  it('reads nvidia-smi CSV, tolerating names with commas and unavailable fields', () => {
    const { gpus, badLines } = parseNvidiaSmi(
      `${H100}, 3, Weird, Name, 100, 10, 20, [Not Supported]\r\n\r\nnope\n`,
    );
    expect(badLines).toBe(1);
    expect(gpus).toEqual([
      {
        uuid: H100,
        index: 3,
        name: 'Weird, Name',
        utilizationRatio: 1,
        memoryUsedBytes: 10 * 1024 * 1024,
        memoryTotalBytes: 20 * 1024 * 1024,
      },
    ]);
  });
});
