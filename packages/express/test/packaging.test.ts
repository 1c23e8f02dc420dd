import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const built =
  existsSync(new URL('../dist/index.js', import.meta.url)) &&
  existsSync(new URL('../dist/index.cjs', import.meta.url));

function run(fixture: string, nodeArgs: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...nodeArgs, fileURLToPath(new URL(`./fixtures/${fixture}`, import.meta.url))],
      { cwd: pkg, timeout: 20_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

// Needs `pnpm build` first (the root `pnpm test` builds before it tests).
describe.skipIf(!built)('the built package', () => {
  it.each(['packaged-app.mjs', 'packaged-app.cjs'])(
    'works in a real app from %s',
    async (fixture) => {
      const out = JSON.parse((await run(fixture)).trim().split('\n').pop()!);
      expect(out).toEqual({ chat: 'ok', agentCalls: true });
    },
  );

  it.each([
    ['instrumented-app.mjs', ['--import', './test/fixtures/iitm.mjs']],
    ['instrumented-app.cjs', []],
  ])('ExpressInstrumentation measures an app with no app.use() from %s', async (fixture, args) => {
    const out = JSON.parse((await run(fixture, args)).trim().split('\n').pop()!);
    expect(out).toEqual({ chat: 'ok', agentCalls: true });
  });
});
