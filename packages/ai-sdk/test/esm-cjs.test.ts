import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type MockLLM, startMockLLM } from '@llmeter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The built packages, as an application loads them: Node 24 (the
 * repository's `node` devDependency) and Node 22 run small ES module and
 * CommonJS programs that use the dist of @llmeter/core and @llmeter/ai-sdk
 * with the real `ai` and `@ai-sdk/openai`. Build first
 * (`pnpm --filter @llmeter/core --filter @llmeter/ai-sdk build`; `pnpm test` does).
 */
const run = promisify(execFile);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const NODE = here('../../../node_modules/.bin/node');
const NODE22 = here('../../../node_modules/node22/bin/node');
const FIXTURES = here('./fixtures');

let mock: MockLLM;
beforeAll(async () => {
  for (const dist of ['../dist/index.js', '../dist/index.cjs', '../../core/dist/index.js']) {
    if (!existsSync(here(dist))) {
      throw new Error(`${dist} is missing: build @llmeter/core and @llmeter/ai-sdk first`);
    }
  }
  mock = await startMockLLM();
});
afterAll(async () => {
  await mock.close();
});

async function spawnFixture(script: string, form: string, node = NODE) {
  // The timeout also proves the process exits by itself (llmeter keeps nothing alive).
  const { stdout } = await run(node, [script], {
    cwd: FIXTURES,
    timeout: 20_000,
    env: { ...process.env, MOCK_URL: mock.url, FORM: form, LLMETER_LOG_LEVEL: 'warn' },
  });
  const line = stdout.split('\n').find((l) => l.includes('"fixture"'));
  if (!line) throw new Error(`no report from ${script}:\n${stdout}`);
  return JSON.parse(line);
}

/** Two model calls and a tool (generateText), one streamed call, one embedding. */
const EXPECTED = { ok: true, durations: 4, ttfts: 1, tools: 1, agents: 2 };

describe.each(['registered', 'per-call'])('built dist, %s', (form) => {
  it.each(['app.mjs', 'app.cjs'])('records every AI SDK call from %s', async (script) => {
    const report = await spawnFixture(script, form);
    expect(report).toMatchObject(EXPECTED);
    expect(report.perChunk).toBeGreaterThan(0);
  });
});

describe.runIf(existsSync(NODE22))('on Node 22', () => {
  it.each(['app.mjs', 'app.cjs'])('records every AI SDK call from %s', async (script) => {
    expect(await spawnFixture(script, 'registered', NODE22)).toMatchObject(EXPECTED);
  });
});
