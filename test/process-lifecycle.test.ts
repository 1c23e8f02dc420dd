/**
 * Process-level behaviour on the built packages: SIGTERM flushes and the
 * process ends as it would have without llmeter; the zero-code register entry
 * works under --import (ESM) and --require (CommonJS).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  type OtlpGrpcReceiver,
  type OtlpHttpReceiver,
  startOtlpGrpcReceiver,
  startOtlpHttpReceiver,
} from '@llmeter/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
let traces: OtlpGrpcReceiver;
let metrics: OtlpHttpReceiver;

beforeAll(async () => {
  traces = await startOtlpGrpcReceiver();
  metrics = await startOtlpHttpReceiver();
});
afterAll(async () => {
  await traces.close();
  await metrics.close();
});
beforeEach(() => {
  traces.reset();
  metrics.reset();
});

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, args, {
    cwd: fixtures,
    env: {
      ...process.env,
      TRACES_ENDPOINT: traces.url,
      METRICS_ENDPOINT: metrics.metricsUrl,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: traces.url,
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: metrics.metricsUrl,
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_SERVICE_NAME: 'register-app',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => {
    stdout += c;
  });
  child.stderr!.on('data', (c) => {
    stderr += c;
  });
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  const ready = new Promise<void>((resolve) =>
    child.stdout!.on('data', () => stdout.includes('ready') && resolve()),
  );
  return { child, exited, ready };
}

async function sigterm(child: ChildProcess, ready: Promise<void>) {
  await ready;
  child.kill('SIGTERM');
}

describe('SIGTERM', () => {
  it('exports every span that ended before the signal, then dies of SIGTERM as it would have', async () => {
    const app = run(['sigterm-app.mjs']);
    await sigterm(app.child, app.ready);
    const result = await app.exited;
    expect(result.signal).toBe('SIGTERM');
    expect(traces.spans().filter((s) => s.name === 'chat gpt-4o-mini')).toHaveLength(20);
    expect(metrics.metrics().some((m) => m.name === 'gen_ai.client.operation.duration')).toBe(true);
  });

  it("leaves the exit to the application's own handler", async () => {
    const app = run(['sigterm-app.mjs'], { MODE: 'own-handler' });
    await sigterm(app.child, app.ready);
    const result = await app.exited;
    expect(result.code).toBe(3);
    expect(traces.spans()).toHaveLength(20);
  });
});

describe("the application's own signal handler", () => {
  const forms = ['on', 'once', 'prepend', 'prepend-once'] as const;
  for (const when of ['before', 'after'] as const) {
    for (const form of forms) {
      it(`runs to its end and decides the exit when registered with ${form} ${when} init()`, async () => {
        const app = run(['signal-forms-app.mjs'], { FORM: form, WHEN: when });
        await sigterm(app.child, app.ready);
        const result = await app.exited;
        expect(result.signal, result.stderr).toBeNull();
        expect(result.code, result.stderr).toBe(3);
        expect(result.stdout).toContain('handler done');
        expect(traces.spans().filter((s) => s.name === 'chat gpt-4o-mini')).toHaveLength(5);
      });
    }
  }

  it('runs to its end on SIGINT too (once, before init())', async () => {
    const app = run(['signal-forms-app.mjs'], { FORM: 'once', WHEN: 'before', SIGNAL: 'SIGINT' });
    await app.ready;
    app.child.kill('SIGINT');
    const result = await app.exited;
    expect(result.code, result.stderr).toBe(3);
    expect(result.stdout).toContain('handler done');
  });
});

describe('a natural exit flushes', () => {
  it('exports the spans and metrics of a script that ends without shutdown(), once', async () => {
    const result = await run(['natural-exit-app.mjs']).exited;
    expect(result.code, result.stderr).toBe(0);
    expect(traces.spans().filter((s) => s.name === 'chat gpt-4o-mini')).toHaveLength(5);
    expect(metrics.metrics().some((m) => m.name === 'gen_ai.client.operation.duration')).toBe(true);
    // one flush; the loop empties once before it and once after, then the process ends
    expect(result.stdout).toContain('shutdowns=1 beforeExit=2');
  });

  it('adds no second flush when the script called shutdown() itself', async () => {
    const result = await run(['natural-exit-app.mjs'], { CALLS_SHUTDOWN: 'true' }).exited;
    expect(result.code, result.stderr).toBe(0);
    expect(traces.spans()).toHaveLength(5);
    expect(result.stdout).toContain('shutdowns=1 beforeExit=1');
  });

  it('exports nothing at exit with flushOnExit: false', async () => {
    const result = await run(['natural-exit-app.mjs'], { FLUSH_ON_EXIT: 'false' }).exited;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('shutdowns=0 beforeExit=1');
  });
});

describe('never keeps the process alive', () => {
  it('exits on its own with exporters failing, a /metrics listener and no shutdown()', async () => {
    const result = await run(['no-keepalive-app.mjs']).exited;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('done');
  });
});

describe('zero-code start: the register entry', () => {
  it('works with node --import @llmeter/core/register (ESM)', async () => {
    const result = await run(['--import', '@llmeter/core/register', 'register-app.mjs']).exited;
    expect(result.code, result.stderr).toBe(0);
    const spans = traces.spans();
    expect(spans.map((s) => s.name)).toEqual(['chat gpt-4o']);
    expect(spans[0].resource['service.name']).toBe('register-app');
  });

  it('works with node --require @llmeter/core/register (CommonJS)', async () => {
    const result = await run(['--require', '@llmeter/core/register', 'register-app.cjs']).exited;
    expect(result.code, result.stderr).toBe(0);
    expect(traces.spans().map((s) => s.name)).toEqual(['chat gpt-4o']);
  });
});
