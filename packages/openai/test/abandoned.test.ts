import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type MockLLM, startMockLLM } from '@llmeter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Calls the caller dropped unconsumed end, so the in-flight gauge returns to
 * zero: a child process with `--expose-gc` (on the built dist) drops a promise
 * it never awaits, a stream it never reads and a reader it stops using, collects them, and reports what
 * /metrics says. The collector is run until both are reclaimed (a bounded
 * loop), so nothing depends on timing.
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

describe('abandoned operations', () => {
  it('end with error.type abandoned once the dropped promise or stream is collected, and the gauge returns to zero', async () => {
    const { stdout } = await run(
      here('../../../node_modules/.bin/node'),
      ['--expose-gc', 'abandoned.mjs'],
      {
        cwd: here('./fixtures'),
        timeout: 20_000,
        env: { ...process.env, MOCK_URL: mock.url, LLMETER_LOG_LEVEL: 'warn' },
      },
    );
    const line = stdout.split('\n').find((l) => l.includes('"abandoned"'));
    const report = JSON.parse(line ?? '{}');
    // Four calls started: the dropped promise, the unread stream, the stream
    // whose reader was dropped after one chunk, and the one still held. None
    // ended as a success; the dropped promise may already have been collected
    // and ended as abandoned (a collection can run during the stream calls: it
    // did on a loaded machine), so it counts as open or as abandoned.
    expect(report.before.active + report.before.abandoned).toBe(4);
    expect(report.before.ok).toBe(0);
    expect(report.after.abandoned).toBe(3);
    expect(report.after.active).toBe(1);
    // The call that was held and awaited ends as an ordinary success.
    expect(report.done).toEqual({ active: 0, abandoned: 3, ok: 1 });
  });
});
