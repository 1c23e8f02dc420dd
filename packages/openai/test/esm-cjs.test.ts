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

interface SurfaceReport {
  ok: boolean | string;
  durations: number;
  ttfts: number;
  perChunk: number;
  tokens: number;
  spans?: { name: string; operation: string; stream?: boolean }[];
}
interface Report {
  fixture: string;
  surfaces: Record<string, SurfaceReport>;
  cjsOpenAILoaded: boolean;
}

const CHAT = { name: 'chat gpt-4o-mini', operation: 'chat' };
const TEXT = { name: 'text_completion gpt-3.5-turbo-instruct', operation: 'text_completion' };
/**
 * Every surface fixtures/run.cjs calls, and what it must record: its span,
 * and how many token observations (input and output; 0 for a chat stream
 * without include_usage, which reports none).
 */
const EXPECTED: Record<string, { span: SurfaceReport['spans'] & {}; tokens: number }> = {
  'chat.create': { span: [{ ...CHAT, stream: false }], tokens: 2 },
  'chat.create stream': { span: [{ ...CHAT, stream: true }], tokens: 2 },
  'chat.parse': { span: [{ ...CHAT, stream: false }], tokens: 2 },
  'chat.stream()': { span: [{ ...CHAT, stream: true }], tokens: 0 },
  'responses.create': { span: [{ ...CHAT, stream: false }], tokens: 2 },
  'responses.create stream': { span: [{ ...CHAT, stream: true }], tokens: 2 },
  'embeddings.create': {
    span: [{ name: 'embeddings text-embedding-3-small', operation: 'embeddings' }],
    tokens: 1,
  },
  'completions.create': { span: [{ ...TEXT, stream: false }], tokens: 2 },
  'completions.create stream': { span: [{ ...TEXT, stream: true }], tokens: 2 },
};

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

/**
 * import-in-the-middle matches an ES module package by the specifier it is
 * imported with, so openai 6, installed here under the npm alias `openai6`, is
 * not hooked under ES modules (an application imports it as `openai`, which
 * is). require-in-the-middle matches the resolved package name, so the
 * CommonJS cases run against both majors.
 */
function hookedByName(pkg: string): boolean {
  return pkg === 'openai';
}

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

/** Each surface measured once: a duration, a span, and for streams the chunk timings. */
function expectMeasured(report: Report, withSpans: boolean) {
  expect(Object.keys(report.surfaces)).toEqual(Object.keys(EXPECTED));
  for (const [surface, expected] of Object.entries(EXPECTED)) {
    const got = report.surfaces[surface]!;
    const streamed = expected.span[0]!.stream === true;
    const measured = {
      ok: got.ok,
      durations: got.durations,
      ttfts: got.ttfts,
      perChunk: got.perChunk > 0,
      tokens: got.tokens,
    };
    expect(measured, surface).toEqual({
      ok: true,
      durations: 1,
      ttfts: streamed ? 1 : 0,
      perChunk: streamed,
      tokens: expected.tokens,
    });
    if (withSpans) expect(got.spans, surface).toEqual(expected.span);
  }
}

describe.each(['openai', 'openai6'])('built dist with %s', (pkg) => {
  it.each(['explicit.mjs', 'explicit.cjs'])('instrumentOpenAI() works from %s', async (script) => {
    expectMeasured(await spawnFixture(script, pkg), true);
  });

  it.each([
    ['init.mjs', ['--import', './iitm.mjs']],
    ['init.cjs', []],
    ['register-instrumentations.mjs', ['--import', './iitm.mjs']],
    ['register-instrumentations.cjs', []],
    ['node-sdk.mjs', ['--import', './iitm.mjs']],
    ['node-sdk.cjs', []],
  ])('OpenAIInstrumentation works from %s', async (script, flags) => {
    // init({ instrumentations }), registerInstrumentations(), the application's own NodeSDK.
    if (script.endsWith('.mjs') && !hookedByName(pkg)) return;
    const report = await spawnFixture(script, pkg, flags);
    // Under the application's own NodeSDK, llmeter's spans go to the application's
    // global tracer provider: its metrics and /metrics are what is checked here.
    expectMeasured(report, !script.startsWith('node-sdk'));
    if (script.endsWith('.mjs')) expect(report.cjsOpenAILoaded).toBe(false);
  });

  it.each([
    ['app.mjs', '--import'],
    ['app.cjs', '--require'],
    ['app.cjs', '--import'],
    ['app.mjs', '--require'],
  ])('the register entry instruments %s under node %s', async (script, flag) => {
    if (script.endsWith('.mjs') && !hookedByName(pkg)) return;
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
