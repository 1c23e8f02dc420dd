/**
 * `pnpm demo --serve` stops cleanly whoever signals it: SIGTERM to the demo
 * itself, and SIGTERM to a wrapper above it that dies without passing the
 * signal on (as `npx pnpm` does), which used to leave the service orphaned on
 * its port. Either way a "stopped" line, and nothing listens any more.
 * Runs on the built packages, like test/demo-serve.test.ts.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const demo = fileURLToPath(new URL('../examples/demo/demo.mjs', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

// A wrapper that starts the demo and, like npm exec over pnpm, does not pass signals on.
const WRAPPER = `
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, [process.argv[1], '--serve'], { stdio: 'inherit' });
process.on('SIGINT', () => {});
child.on('exit', () => process.exit(0));
`;

function startDemo(wrapped: boolean) {
  const args = wrapped ? ['-e', WRAPPER, demo] : [demo, '--serve'];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, PORT: '0', OPENAI_API_KEY: 'must-not-be-used' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, killed as a whole if the test fails midway
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (t: string) => {
    out += t;
  });
  child.stderr!.setEncoding('utf8').on('data', (t: string) => {
    out += t;
  });
  const waitFor = (predicate: (text: string) => boolean, ms: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        clearInterval(poll);
        reject(new Error(`timed out after ${ms} ms:\n${out}`));
      }, ms);
      const poll = setInterval(() => {
        if (!predicate(out)) return;
        clearTimeout(timer);
        clearInterval(poll);
        resolve();
      }, 100);
    });
  const cleanup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  return { child, output: () => out, waitFor, cleanup };
}

async function expectDown(url: string) {
  await expect(fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
}

describe('pnpm demo --serve stops cleanly', () => {
  it(
    'on SIGTERM to the demo: a stopped line, exit 0, the service down',
    async () => {
      const demoProcess = startDemo(false);
      try {
        await demoProcess.waitFor((t) => t.includes('--serve: running'), START_TIMEOUT_MS);
        const url = /agent-service listening on (http:\/\/[\d.:]+)/.exec(demoProcess.output())![1]!;
        const exited = new Promise<number | null>((resolve) =>
          demoProcess.child.once('exit', (code) => resolve(code)),
        );
        demoProcess.child.kill('SIGTERM');
        expect(await exited).toBe(0);
        expect(demoProcess.output()).toMatch(/^stopped \(SIGTERM\)/m);
        await expectDown(url);
      } finally {
        demoProcess.cleanup();
      }
    },
    START_TIMEOUT_MS + STOP_TIMEOUT_MS,
  );

  it(
    'when a wrapper above it is killed without passing the signal on: no orphaned service',
    async () => {
      const wrapped = startDemo(true);
      try {
        await wrapped.waitFor((t) => t.includes('--serve: running'), START_TIMEOUT_MS);
        const url = /agent-service listening on (http:\/\/[\d.:]+)/.exec(wrapped.output())![1]!;
        wrapped.child.kill('SIGKILL'); // the wrapper dies at once; the demo is not told
        await wrapped.waitFor((t) => /^stopped \(/m.test(t), STOP_TIMEOUT_MS);
        await expectDown(url);
      } finally {
        wrapped.cleanup();
      }
    },
    START_TIMEOUT_MS + STOP_TIMEOUT_MS,
  );
});
