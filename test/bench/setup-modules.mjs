#!/usr/bin/env node
// Which modules a setup loads (see setup-child.mjs), counted by package and
// version: `node setup-modules.mjs [variant] [cjs|esm] [openai]`. Two versions
// of one package in the list mean two copies load. Counts every file that goes
// through the module loader, `require` and `import` alike (module.registerHooks).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [variant = 'llmeter', mode = 'cjs', pkg = 'openai'] = process.argv.slice(2);
const hook = fileURLToPath(new URL('./setup-modules-hook.mjs', import.meta.url));
const child = fileURLToPath(new URL('./setup-child.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'llmeter-modules-'));
const list = join(dir, 'modules.json');
const run = spawnSync(process.execPath, ['--import', hook, child, variant, pkg, mode], {
  encoding: 'utf8',
  env: { ...process.env, LLMETER_BENCH_MODULES: list },
});
if (run.status !== 0) throw new Error(run.stderr.slice(-2000));
const files = JSON.parse(readFileSync(list, 'utf8'));
rmSync(dir, { recursive: true });
const byPackage = new Map();
for (const file of files) {
  // The last node_modules segment names the package; pnpm's store path names its version.
  const match = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  const name = match ? match[1] : file.startsWith('node:') ? 'node:' : '(workspace)';
  const version = /\.pnpm\/(?:@[^+]+\+)?[^@]+@([^_/]+)/.exec(file)?.[1] ?? '';
  // An ESM and a CommonJS build of one version are two copies too.
  const build = /\.(mjs|cjs)$/.exec(file)?.[1];
  const key = `${version ? `${name}@${version}` : name}${build ? ` (${build})` : ''}`;
  byPackage.set(key, (byPackage.get(key) ?? 0) + 1);
}
const rows = [...byPackage].sort((a, b) => b[1] - a[1]);
rows.push([`total (${variant} ${mode} ${pkg})`, files.length]);
process.stdout.write(rows.map(([key, count]) => `${String(count).padStart(5)}  ${key}\n`).join(''));
