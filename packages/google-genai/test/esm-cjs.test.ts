import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type MockLLM, startMockLLM } from '@llmeter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The built packages, as an application loads them: Node 24 runs small ES
 * module and CommonJS programs that use the dist of @llmeter/core and
 * @llmeter/google-genai with the real @google/genai. Build first
 * (`pnpm --filter @llmeter/core --filter @llmeter/google-genai build`).
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
  tokens: number;
  spans: string[];
}

const GENERATE = 'generate_content gemini-2.5-flash';
/** Every surface fixtures/run.cjs calls: its one span, whether it streams, its token observations. */
const EXPECTED: Record<string, { span: string; stream: boolean; tokens: number }> = {
  'models.generateContent': { span: GENERATE, stream: false, tokens: 2 },
  'models.generateContentStream': { span: GENERATE, stream: true, tokens: 2 },
  'models.embedContent': { span: 'embeddings gemini-embedding-001', stream: false, tokens: 1 },
  'chats.sendMessage': { span: GENERATE, stream: false, tokens: 2 },
  'chats.sendMessageStream': { span: GENERATE, stream: true, tokens: 2 },
};

let mock: MockLLM;
beforeAll(async () => {
  for (const dist of ['../dist/index.js', '../dist/index.cjs', '../../core/dist/index.js']) {
    if (!existsSync(here(dist))) {
      throw new Error(`${dist} is missing: build @llmeter/core and @llmeter/google-genai first`);
    }
  }
  mock = await startMockLLM();
});
afterAll(async () => {
  await mock.close();
});

async function spawnFixture(script: string, nodeArgs: string[] = [], node = NODE) {
  const { stdout } = await run(node, [...nodeArgs, script], {
    cwd: FIXTURES,
    timeout: 20_000,
    env: {
      ...process.env,
      MOCK_ORIGIN: new URL(mock.url).origin,
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_METRICS_EXPORTER: 'prometheus',
      LLMETER_LOG_LEVEL: 'warn',
    },
  });
  const line = stdout.split('\n').find((l) => l.includes('"fixture"'));
  if (!line) throw new Error(`no report from ${script}:\n${stdout}`);
  return JSON.parse(line) as { surfaces: Record<string, SurfaceReport> };
}

function expectMeasured(report: { surfaces: Record<string, SurfaceReport> }) {
  expect(Object.keys(report.surfaces)).toEqual(Object.keys(EXPECTED));
  for (const [surface, expected] of Object.entries(EXPECTED)) {
    expect(report.surfaces[surface], surface).toEqual({
      ok: true,
      durations: 1,
      ttfts: expected.stream ? 1 : 0,
      tokens: expected.tokens,
      spans: [expected.span],
    });
  }
}

describe('built dist with @google/genai', () => {
  it.each(['explicit.mjs', 'explicit.cjs'])(
    'instrumentGoogleGenAI() works from %s',
    async (script) => {
      expectMeasured(await spawnFixture(script));
    },
  );

  it.each(['init.mjs', 'init.cjs'])(
    'init({ instrumentations: [new GoogleGenAIInstrumentation()] }) works from %s',
    async (script) => {
      expectMeasured(await spawnFixture(script));
    },
  );

  it('GoogleGenAIInstrumentation patches an ES module import under the import-in-the-middle loader', async () => {
    const loader = '--experimental-loader=@opentelemetry/instrumentation/hook.mjs';
    expectMeasured(await spawnFixture('init-iitm.mjs', [loader]));
  });
});

describe.runIf(existsSync(NODE22))('on Node 22', () => {
  it.each(['explicit.mjs', 'init.cjs'])('%s measures every surface', async (script) => {
    expectMeasured(await spawnFixture(script, [], NODE22));
  });
});
