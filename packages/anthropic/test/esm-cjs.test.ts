import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type MockLLM, startMockLLM } from '@llmeter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The built packages, as an application loads them: Node 24 (the repository's
 * `node` devDependency) runs ES module and CommonJS programs on the dist of
 * @llmeter/core and @llmeter/anthropic, with the SDK tracing itself (llmeter's
 * init() registers the global tracer provider). Build first
 * (`pnpm --filter @llmeter/core --filter @llmeter/anthropic build`; `pnpm test` does).
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
  spans: { name: string; operation?: string; stream?: boolean }[];
}
interface Report {
  fixture: string;
  surfaces: Record<string, SurfaceReport>;
  cjsSdkLoaded: boolean;
}

const CHAT = { name: 'chat claude-sonnet-4-5', operation: 'chat' };
/** Every surface fixtures/run.cjs calls and what it must record: its spans, and token observations. */
const EXPECTED: Record<
  string,
  { spans: SurfaceReport['spans']; tokens: number; measured: boolean }
> = {
  'messages.create': { spans: [{ ...CHAT, stream: false }], tokens: 2, measured: true },
  'messages.create stream': { spans: [{ ...CHAT, stream: true }], tokens: 2, measured: true },
  'messages.stream()': { spans: [{ ...CHAT, stream: true }], tokens: 2, measured: true },
  'messages.parse': { spans: [{ ...CHAT, stream: false }], tokens: 2, measured: true },
  'beta.messages.create': { spans: [{ ...CHAT, stream: false }], tokens: 2, measured: true },
  // No llmeter operation: the SDK's own span only.
  'messages.countTokens': {
    spans: [{ name: 'anthropic.messages.count_tokens' }],
    tokens: 0,
    measured: false,
  },
};

let mock: MockLLM;
beforeAll(async () => {
  for (const dist of ['../dist/index.js', '../dist/index.cjs', '../../core/dist/index.js']) {
    if (!existsSync(here(dist)))
      throw new Error(`${dist} is missing: build @llmeter/core and @llmeter/anthropic first`);
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
      MOCK_URL: `http://127.0.0.1:${mock.port}`,
      SDK_PKG: pkg,
      LLMETER_LOG_LEVEL: 'warn',
    },
  });
  const line = stdout.split('\n').find((l) => l.includes('"fixture"'));
  if (!line) throw new Error(`no report from ${script}:\n${stdout}`);
  return JSON.parse(line) as Report;
}

function expectMeasured(report: Report) {
  expect(Object.keys(report.surfaces)).toEqual(Object.keys(EXPECTED));
  for (const [surface, expected] of Object.entries(EXPECTED)) {
    const got = report.surfaces[surface]!;
    const streamed = expected.spans[0]?.stream === true;
    expect(
      {
        ok: got.ok,
        durations: got.durations,
        ttfts: got.ttfts,
        perChunk: got.perChunk > 0,
        tokens: got.tokens,
      },
      surface,
    ).toEqual({
      ok: true,
      durations: expected.measured ? 1 : 0,
      ttfts: streamed ? 1 : 0,
      perChunk: streamed,
      tokens: expected.tokens,
    });
    expect(got.spans, surface).toEqual(expected.spans);
  }
}

describe.each(['@anthropic-ai/sdk', 'anthropic0'])('built dist with %s', (pkg) => {
  it.each(['explicit.mjs', 'explicit.cjs'])(
    'instrumentAnthropic() works from %s',
    async (script) => {
      const report = await spawnFixture(script, pkg);
      expectMeasured(report);
      if (script === 'explicit.mjs') expect(report.cjsSdkLoaded).toBe(false);
    },
  );

  it('AnthropicInstrumentation works from CommonJS (require hook)', async () => {
    expectMeasured(await spawnFixture('instrumentation.cjs', pkg));
  });

  // import-in-the-middle matches an `import` by its specifier, and `anthropic0` (the npm alias
  // this repository installs 0.x under) is not `@anthropic-ai/sdk`: an application's own
  // `import '@anthropic-ai/sdk'` is, whichever major it installed.
  it.runIf(pkg === '@anthropic-ai/sdk')(
    'AnthropicInstrumentation works from an ES module with the OpenTelemetry loader hook',
    async () => {
      const report = await spawnFixture('instrumentation.mjs', pkg, ['--import', './iitm.mjs']);
      expectMeasured(report);
      expect(report.cjsSdkLoaded).toBe(false);
    },
  );
});

describe.runIf(existsSync(NODE22))('on Node 22', () => {
  it.each(['explicit.mjs', 'instrumentation.cjs'])('%s works', async (script) => {
    expectMeasured(await spawnFixture(script, '@anthropic-ai/sdk', [], NODE22));
  });
});
