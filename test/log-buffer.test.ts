/**
 * llmeter's stdout logger is bounded: when stdout falls behind, lines past the
 * buffer are dropped and counted on /metrics instead of growing the heap, and
 * every line written is whole JSON.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

function burst(env: Record<string, string>) {
  const child = spawn(process.execPath, ['log-burst-app.mjs'], {
    cwd: fixtures,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise<{
    code: number | null;
    stdout: string;
    report: { lines: number; dropped: number };
  }>((resolve) =>
    child.on('close', (code) => {
      const report = JSON.parse(stderr.trim().split('\n').at(-1) ?? '{}');
      resolve({ code, stdout, report });
    }),
  );
}

describe('the log line buffer', () => {
  it('drops and counts lines past the buffer instead of growing without bound', async () => {
    const { code, stdout, report } = await burst({ LINES: '20000', LOG_BUFFER_BYTES: '4096' });
    expect(code).toBe(0);
    const written = stdout.trim().split('\n');
    for (const line of written) expect(JSON.parse(line).msg).toBe('burst');
    expect(report.dropped).toBeGreaterThan(0);
    expect(written.length + report.dropped).toBe(report.lines);
  });

  for (const [mode, how] of [
    ['natural', 'its event loop empties'],
    ['exit', 'it calls process.exit()'],
  ]) {
    it(`writes the lines still batched when the process ends because ${how}`, async () => {
      const child = spawn(process.execPath, ['log-exit-app.mjs'], {
        cwd: fixtures,
        env: { ...process.env, MODE: mode },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      const code = await new Promise((resolve) => child.on('close', resolve));
      expect(code).toBe(0);
      const lines = stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.i)).toEqual([0, 1, 2, 3, 4]);
    });
  }

  it('drops nothing when the buffer holds the burst', async () => {
    const { code, stdout, report } = await burst({ LINES: '2000', LOG_BUFFER_BYTES: '16777216' });
    expect(code).toBe(0);
    expect(report.dropped).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(2000);
  });
});
