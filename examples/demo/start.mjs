// `pnpm demo`'s entry: one short line, a quiet build of the packages, then the
// demo in this very process. No wrapper process sits between whoever started
// `pnpm demo` and the demo itself, and the demo stops with its parent (see
// demo.mjs), so a SIGTERM to the command a newcomer typed never orphans the
// service. The build's output is shown only when it fails, and the build is
// skipped when every package's dist is newer than its sources.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** [oldest, newest] modification time of the files under `path`. */
function mtimes(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return [stat.mtimeMs, stat.mtimeMs];
  let range = [Number.POSITIVE_INFINITY, 0];
  for (const entry of readdirSync(path)) {
    const [oldest, newest] = mtimes(join(path, entry));
    range = [Math.min(range[0], oldest), Math.max(range[1], newest)];
  }
  return range;
}

function built() {
  const packages = join(root, 'packages');
  return readdirSync(packages).every((name) => {
    const dir = join(packages, name);
    if (!existsSync(join(dir, 'package.json'))) return true;
    if (!existsSync(join(dir, 'dist'))) return false;
    const sources = ['src', 'package.json', 'tsup.config.ts', 'tsconfig.json']
      .map((file) => join(dir, file))
      .filter((file) => existsSync(file));
    const newestSource = Math.max(...sources.map((file) => mtimes(file)[1]));
    return mtimes(join(dir, 'dist'))[0] > newestSource;
  });
}

process.stdout.write('preparing… (building the packages)\n');
if (!built()) build();
await import('./demo.mjs');

function build() {
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
}
