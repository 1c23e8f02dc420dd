import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The built packages, as an application loads them: Node runs small ES module
 * and CommonJS programs on the dist of @llmeter/core and @llmeter/mcp (build
 * them first: `pnpm --filter @llmeter/core --filter @llmeter/mcp build`).
 */
const run = promisify(execFile);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const NODE = here('../../../node_modules/.bin/node');
const NODE22 = here('../../../node_modules/node22/bin/node');
const FIXTURES = here('./fixtures');

interface Report {
  fixture: string;
  result: unknown;
  spans: { kind: number; traceId: string; spanId: string; parentSpanId?: string }[];
  clientOperations: number;
  serverOperations: number;
}

beforeAll(() => {
  for (const dist of ['../dist/index.js', '../dist/index.cjs', '../../core/dist/index.js']) {
    if (!existsSync(here(dist))) throw new Error(`${dist} is missing: build core and mcp first`);
  }
});

async function spawnFixture(script: string, node = NODE): Promise<Report> {
  const { stdout } = await run(node, [script], {
    cwd: FIXTURES,
    timeout: 20_000,
    env: { ...process.env, OTEL_SDK_DISABLED: '', LLMETER_LOG_LEVEL: 'error' },
  });
  return JSON.parse(stdout) as Report;
}

function expectOneTrace(report: Report): void {
  expect(report.result).toEqual([{ type: 'text', text: 'sunny in Oslo' }]);
  const client = report.spans.find((s) => s.kind === 2);
  const server = report.spans.find((s) => s.kind === 1);
  expect(report.spans).toHaveLength(2);
  expect(server?.traceId).toBe(client?.traceId);
  expect(server?.parentSpanId).toBe(client?.spanId);
  expect(report.clientOperations).toBe(1);
  expect(report.serverOperations).toBe(1);
}

describe('the built package in ESM and CommonJS processes', () => {
  for (const fixture of ['explicit.mjs', 'explicit.cjs']) {
    it(`instrumentMCPClient/instrumentMCPServer trace across the boundary (${fixture})`, async () => {
      expectOneTrace(await spawnFixture(fixture));
    });
  }

  for (const fixture of ['instrumentation.cjs', 'instrumentation.mjs']) {
    it(`MCPInstrumentation in init({ instrumentations }) patches the SDK (${fixture})`, async () => {
      expectOneTrace(await spawnFixture(fixture));
    });
  }

  it('runs on Node 22, the oldest supported line', async () => {
    if (!existsSync(NODE22)) return;
    expectOneTrace(await spawnFixture('explicit.cjs', NODE22));
  });
});
