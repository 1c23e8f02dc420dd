/**
 * `pnpm demo --serve` (examples/demo/demo.mjs --serve) on a free port: it sends its burst, says
 * it is running, keeps the service answering, and on Ctrl-C (SIGINT) stops the service and exits
 * 0. Runs on the built packages, like test/demo-full.test.ts.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const demo = fileURLToPath(new URL('../examples/demo/demo.mjs', import.meta.url));
const RUNNING_LINE = '--serve: running until Ctrl-C';
const START_TIMEOUT_MS = 60_000;
const EXIT_TIMEOUT_MS = 15_000;

/** Resolves with the output so far once `predicate` holds, rejects after `ms` or on exit. */
function waitForOutput(
  child: ReturnType<typeof spawn>,
  output: () => string,
  predicate: (text: string) => boolean,
  ms: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`timed out after ${ms} ms:\n${output()}`)), ms);
    const check = () => predicate(output()) && done();
    const exited = () => done(new Error(`demo exited early:\n${output()}`));
    function done(error?: Error) {
      clearTimeout(timer);
      child.stdout!.off('data', check);
      child.off('exit', exited);
      if (error) reject(error);
      else resolve(output());
    }
    child.stdout!.on('data', check);
    child.once('exit', exited);
    check();
  });
}

describe('pnpm demo --serve', () => {
  it(
    'starts on a free port, says it is running, and exits cleanly on Ctrl-C',
    async () => {
      const child = spawn(process.execPath, [demo, '--serve'], {
        env: { ...process.env, PORT: '0', OPENAI_API_KEY: 'must-not-be-used' },
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group: if the test fails midway, the service it started dies with it.
        detached: true,
      });
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (t: string) => {
        out += t;
      });
      child.stderr!.setEncoding('utf8').on('data', (t: string) => {
        out += t;
      });
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
        child.once('exit', (code, signal) => resolve({ code, signal })),
      );
      try {
        await waitForOutput(
          child,
          () => out,
          (t) => t.includes(RUNNING_LINE),
          START_TIMEOUT_MS,
        );
        const url = /agent-service listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(out);
        expect(url, out).not.toBeNull();
        expect(Number(url![2])).not.toBe(3000);
        const health = await fetch(`${url![1]}/healthz`, { signal: AbortSignal.timeout(5_000) });
        expect(await health.json()).toMatchObject({ status: 'ok', upstream: 'mock' });

        child.kill('SIGINT');
        const exit = await Promise.race([
          exited,
          new Promise((_, reject) =>
            setTimeout(() => reject(new Error(`no exit after SIGINT:\n${out}`)), EXIT_TIMEOUT_MS),
          ),
        ]);
        expect(exit, out).toEqual({ code: 0, signal: null });
        expect(out).toMatch(/^stopped \(SIGINT\): the service and its receivers are down$/m);
        // The service went with it: nothing listens there any more.
        await expect(fetch(`${url![1]}/healthz`)).rejects.toThrow();
      } finally {
        if (child.exitCode === null && child.signalCode === null)
          process.kill(-child.pid!, 'SIGKILL');
      }
    },
    START_TIMEOUT_MS + EXIT_TIMEOUT_MS + 10_000,
  );
});
