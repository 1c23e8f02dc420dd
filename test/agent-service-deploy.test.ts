/**
 * What the Dockerfile does, without Docker: `pnpm --filter @llmeter/example-agent-service deploy
 * --prod <dir>` makes a self-contained copy of the service (production dependencies only, the
 * @llmeter packages copied in rather than linked to the workspace), and `node src/server.mjs` in
 * that copy serves an agent run. The copy lives outside the repository, so nothing can resolve
 * from the workspace's node_modules. Runs on the built packages (`pnpm run build` first, as
 * `pnpm test` does). Skipped, with the reason, only when pnpm would need a registry it cannot
 * reach.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helpers without type declarations
import { ISOLATED_ENV, launchAgentService } from '../examples/agent-service/launch.mjs';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGE = '@llmeter/example-agent-service';
const DEPLOY_TIMEOUT_MS = 120_000;
const REQUEST_TIMEOUT_MS = 15_000;
/** What pnpm says when the packages are neither in its store nor reachable. */
const NO_REGISTRY = /ERR_PNPM_NO_OFFLINE|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH/;

/** The pnpm running this test (`pnpm test` sets npm_execpath), else pnpm 12 through npx. */
function pnpm(): [string, string[]] {
  const execpath = process.env.npm_execpath;
  if (execpath && basename(execpath).startsWith('pnpm')) {
    return /\.[cm]?js$/.test(execpath) ? [process.execPath, [execpath]] : [execpath, []];
  }
  return ['npx', ['-y', 'pnpm@12']];
}

async function deploy(out: string, network: '--offline' | '--prefer-offline') {
  const [command, prefix] = pnpm();
  const args = [...prefix, '--filter', PACKAGE, 'deploy', '--prod', network, out];
  return run(command, args, { cwd: ROOT, timeout: DEPLOY_TIMEOUT_MS, encoding: 'utf8' });
}

const dir = mkdtempSync(join(tmpdir(), 'llmeter-agent-deploy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pnpm deploy --prod of the agent service (the Dockerfile’s step)', () => {
  it('is the step the Dockerfile runs, and its CMD is the entry run below', () => {
    const dockerfile = readFileSync(join(ROOT, 'examples', 'agent-service', 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(
      new RegExp(`^RUN pnpm --filter ${PACKAGE} deploy --prod /out$`, 'm'),
    );
    expect(dockerfile).toMatch(/^CMD \["node", "src\/server\.mjs"\]$/m);
  });

  it(
    'produces a self-contained copy that serves an agent run',
    async (ctx) => {
      const out = join(dir, 'out');
      try {
        // The store usually has everything (the workspace was installed from it); only
        // otherwise may pnpm go to the registry.
        await deploy(out, '--offline').catch((error) => {
          if (!/ERR_PNPM_NO_OFFLINE/.test(`${error.stdout}${error.stderr}`)) throw error;
          rmSync(out, { recursive: true, force: true });
          return deploy(out, '--prefer-offline');
        });
      } catch (error: any) {
        const output = `${error.stdout ?? ''}${error.stderr ?? ''}${error.message}`;
        if (NO_REGISTRY.test(output)) ctx.skip(`pnpm deploy needs a registry it cannot reach`);
        throw error;
      }

      // Production dependencies only, and the workspace packages copied in, not linked.
      const manifest = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'));
      expect(manifest.name).toBe(PACKAGE);
      for (const name of ['core', 'express', 'langchain', 'openai', 'testing']) {
        const real = realpathSync(join(out, 'node_modules', '@llmeter', name));
        expect(real.startsWith(realpathSync(out) + sep), `@llmeter/${name} -> ${real}`).toBe(true);
      }
      expect(() => realpathSync(join(out, 'node_modules', 'vitest'))).toThrow();

      const service = await launchAgentService({
        entry: join(out, 'src', 'server.mjs'),
        env: ISOLATED_ENV,
      });
      try {
        const answer = await fetch(`${service.url}/agent`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ question: 'Weather in Lisbon? (get_weather)' }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        expect(answer.status).toBe(200);
        expect((await answer.json()).tools).toEqual([{ name: 'get_weather', ok: true }]);
        const metrics = await (await fetch(`${service.url}/metrics`)).text();
        expect(metrics).toMatch(/^gen_ai_invoke_agent_duration_seconds_count\{.*\} 1$/m);
      } finally {
        expect(await service.stop(5_000)).toEqual({ code: 0, signal: null });
      }
    },
    DEPLOY_TIMEOUT_MS + 60_000,
  );
});
