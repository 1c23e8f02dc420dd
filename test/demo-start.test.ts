/**
 * `pnpm demo`'s entry (examples/demo/start.mjs): a short "preparing…" line, a
 * quiet build (skipped when every dist is newer than its sources, as after the
 * suite's own build: no rebuild under the other tests' feet), then the demo's
 * own first line: no build log, no warnings.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

describe('pnpm demo', () => {
  it('prints nothing before its first line but a short preparing line', async () => {
    const { stdout, stderr } = await run(process.execPath, ['examples/demo/start.mjs'], {
      cwd: root,
      env: { ...process.env, OPENAI_API_KEY: 'must-not-be-used' },
      timeout: 180_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('preparing… (building the packages)');
    expect(lines[1]).toMatch(
      /^agent-service listening on http:\/\/127\.0\.0\.1:\d+ \(upstream: mock LLM\)$/,
    );
    expect(stdout).not.toMatch(/tsup|Build start|DTS|WARN/);
    expect(stderr).toBe('');
  }, 200_000);
});
