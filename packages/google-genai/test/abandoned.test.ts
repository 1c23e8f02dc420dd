import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type MockLLM, startMockLLM } from '@llmeter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Streams the caller dropped unconsumed end, so the in-flight gauge returns
 * to zero: a child process with `--expose-gc` (on the built dist) drops a
 * stream promise it never awaits, a stream it never reads and one it stops
 * reading, collects them, and reports what /metrics says. The collector runs
 * until all are reclaimed (a bounded loop), so nothing depends on timing.
 */
const run = promisify(execFile);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

let mock: MockLLM;
beforeAll(async () => {
  mock = await startMockLLM();
});
afterAll(async () => {
  await mock.close();
});

describe('calls the caller drops', () => {
  it('ends a call whose promise is never awaited and a stream nobody reads (or stops reading), with error.type abandoned, and the gauge returns to zero', async () => {
    const { stdout } = await run(
      here('../../../node_modules/.bin/node'),
      ['--expose-gc', 'abandoned.mjs'],
      {
        cwd: here('./fixtures'),
        timeout: 20_000,
        env: { ...process.env, MOCK_ORIGIN: new URL(mock.url).origin, LLMETER_LOG_LEVEL: 'warn' },
      },
    );
    const line = stdout.split('\n').find((l) => l.includes('"abandoned"'));
    const report = JSON.parse(line ?? '{}');
    // The unawaited whole response ended by itself; the three dropped streams as
    // abandoned; the held stream is still open.
    expect(report.after).toEqual({ active: 1, abandoned: 3, ok: 1 });
    // The stream that was held and read to the end ends as an ordinary success.
    expect(report.done).toEqual({ active: 0, abandoned: 3, ok: 2 });
  });
});
