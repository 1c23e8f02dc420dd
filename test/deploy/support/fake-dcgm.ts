/**
 * A stand-in for NVIDIA's dcgm-exporter: serves DCGM-format series (names and labels as
 * dcgm-exporter 3.x/4.x writes them with Kubernetes pod mapping on) over node:http, so a real
 * Prometheus can scrape them next to llmeter's /metrics. Values move with time so rate() works:
 * the energy counter grows by `watts` joules (in mJ) per second of wall time.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeGpu {
  uuid: string;
  gpu: string;
  hostname: string;
  modelName?: string;
  /** The pod that requested the GPU; omitted: unallocated (DCGM writes empty pod labels). */
  workload?: { namespace: string; pod: string; container: string };
  utilPercent: number;
  fbUsedMiB: number;
  watts: number;
  grEngineActive: number;
}

export interface FakeDcgm {
  url: string;
  close(): Promise<void>;
}

function labels(gpu: FakeGpu): string {
  const pairs: Array<[string, string]> = [
    ['gpu', gpu.gpu],
    ['UUID', gpu.uuid],
    ['pci_bus_id', `00000000:${(0x18 + Number(gpu.gpu)).toString(16).toUpperCase()}:00.0`],
    ['device', `nvidia${gpu.gpu}`],
    ['modelName', gpu.modelName ?? 'NVIDIA H100 80GB HBM3'],
    ['Hostname', gpu.hostname],
    ['DCGM_FI_DRIVER_VERSION', '570.124.06'],
    ['container', gpu.workload?.container ?? ''],
    ['namespace', gpu.workload?.namespace ?? ''],
    ['pod', gpu.workload?.pod ?? ''],
  ];
  return pairs.map(([k, v]) => `${k}="${v}"`).join(',');
}

export async function startFakeDcgm(gpus: FakeGpu[]): Promise<FakeDcgm> {
  const started = Date.now();
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const seconds = (Date.now() - started) / 1000;
    const family = (name: string, type: string, help: string, value: (g: FakeGpu) => number) =>
      [
        `# HELP ${name} ${help}`,
        `# TYPE ${name} ${type}`,
        ...gpus.map((g) => `${name}{${labels(g)}} ${value(g)}`),
      ].join('\n');
    const body = [
      family('DCGM_FI_DEV_GPU_UTIL', 'gauge', 'GPU utilization (in %).', (g) => g.utilPercent),
      family(
        'DCGM_FI_DEV_FB_USED',
        'gauge',
        'Framebuffer memory used (in MiB).',
        (g) => g.fbUsedMiB,
      ),
      family('DCGM_FI_DEV_POWER_USAGE', 'gauge', 'Power draw (in W).', (g) => g.watts),
      family(
        'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION',
        'counter',
        'Total energy consumption since boot (in mJ).',
        (g) => Math.round(1e9 + g.watts * 1000 * seconds),
      ),
      family(
        'DCGM_FI_PROF_GR_ENGINE_ACTIVE',
        'gauge',
        'Ratio of time the graphics engine is active.',
        (g) => g.grEngineActive,
      ),
    ].join('\n');
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${body}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
