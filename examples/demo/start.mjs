// `pnpm demo`'s entry: one short line, a quiet build of the packages, then the
// demo in this very process. No wrapper process sits between whoever started
// `pnpm demo` and the demo itself, and the demo stops with its parent (see
// demo.mjs), so a SIGTERM to the command a newcomer typed never orphans the
// service. The build's output is shown only when it fails.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
process.stdout.write('preparing… (building the packages)\n');
// pnpm itself when pnpm started us (npm_execpath), else the command the README uses.
const viaPnpm = /pnpm/.test(process.env.npm_execpath ?? '');
const [cmd, args] = viaPnpm
  ? [process.env.npm_execpath, ['-r', '--filter', './packages/*', 'run', 'build']]
  : ['npx', ['-y', 'pnpm@12', '-r', '--filter', './packages/*', 'run', 'build']];
const build = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
if (build.status !== 0) {
  process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}${build.error ?? ''}\n`);
  process.stderr.write('the build failed: see above\n');
  process.exit(1);
}
await import('./demo.mjs');
