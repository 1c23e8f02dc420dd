import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type MockLLM, startMockLLM } from '@llmeter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The built packages, as an application loads them: Node 24 (the repository's
 * `node` devDependency) runs small ES module and CommonJS programs that use the
 * dist of @llmeter/core and @llmeter/openai. Build first
 * (`pnpm --filter @llmeter/core --filter @llmeter/openai build`; `pnpm test` does).
 */
const run = promisify(execFile);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const NODE = here('../../../node_modules/.bin/node');
/** Node 22 (the oldest supported line) is a devDependency of the repository too. */
const NODE22 = here('../../../node_modules/node22/bin/node');
const FIXTURES = here('./fixtures');

interface Report {
  fixture: string;
  ok: boolean;
  chunks: number;
  durations: number;
  ttfts: number;
  spans?: { name: string; stream: boolean }[];
  cjsOpenAILoaded: boolean;
}

let mock: MockLLM;
beforeAll(async () => {
  for (const dist of ['../dist/index.js', '../dist/index.cjs', '../../core/dist/index.js']) {
    if (!existsSync(here(dist))) {
      throw new Error(`${dist} is missing: build @llmeter/core and @llmeter/openai first`);
    }
  }
  mock = await startMockLLM();
});
afterAll(async () => {
  await mock.close();
});

async function spawnFixture(
  script: string,
  pkg: string,
  nodeArgs: string[] = [],
  node = NODE,
): Promise<Report> {
  const { stdout } = await run(node, [...nodeArgs, script], {
    cwd: FIXTURES,
    timeout: 20_000,
    env: {
      ...process.env,
      MOCK_URL: mock.url,
      OPENAI_PKG: pkg,
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_METRICS_EXPORTER: 'prometheus',
      OTEL_SERVICE_NAME: 'fixture',
      LLMETER_LOG_LEVEL: 'warn',
    },
  });
  const line = stdout.split('\n').find((l) => l.includes('"fixture"'));
  if (!line) throw new Error(`no report from ${script}:\n${stdout}`);
  return JSON.parse(line) as Report;
}

function expectMeasured(report: Report, withSpans: boolean) {
  expect(report.ok).toBe(true);
  expect(report.chunks).toBeGreaterThan(1);
  // One plain and one streamed call: two durations, one time to first chunk.
  expect(report.durations).toBe(2);
  expect(report.ttfts).toBe(1);
  if (withSpans) {
    expect(report.spans).toEqual([
      { name: 'chat gpt-4o-mini', stream: false },
      { name: 'chat gpt-4o-mini', stream: true },
    ]);
  }
}

describe.each(['openai', 'openai6'])('built dist with %s', (pkg) => {
  it.each(['explicit.mjs', 'explicit.cjs'])('instrumentOpenAI() works from %s', async (script) => {
    expectMeasured(await spawnFixture(script, pkg), true);
  });

  it.each(['auto.mjs', 'auto.cjs'])('@llmeter/openai/auto works from %s', async (script) => {
    const report = await spawnFixture(script, pkg);
    expectMeasured(report, true);
    if (script === 'auto.mjs') expect(report.cjsOpenAILoaded).toBe(false);
  });

  it.each(['init.mjs', 'init-hooks.mjs', 'init.cjs'])(
    'init({ instrumentations: [openAIInstrumentation()] }) works from %s',
    async (script) => {
      const report = await spawnFixture(script, pkg);
      expectMeasured(report, true);
      if (script.endsWith('.mjs')) expect(report.cjsOpenAILoaded).toBe(false);
    },
  );

  it.each([
    ['app.mjs', '--import'],
    ['app.cjs', '--require'],
    ['app.cjs', '--import'],
    ['app.mjs', '--require'],
  ])('the register entry instruments %s under node %s', async (script, flag) => {
    const report = await spawnFixture(script, pkg, [flag, '@llmeter/openai/register']);
    expectMeasured(report, false);
    // An ES module application gets the ES module copy of openai only: no second copy loaded.
    if (script === 'app.mjs') expect(report.cjsOpenAILoaded).toBe(false);
  });
});

describe.runIf(existsSync(NODE22))('on Node 22', () => {
  it.each([
    ['app.mjs', '--import'],
    ['app.cjs', '--require'],
  ])('the register entry instruments %s under node %s', async (script, flag) => {
    expectMeasured(
      await spawnFixture(script, 'openai', [flag, '@llmeter/openai/register'], NODE22),
      false,
    );
  });
});
