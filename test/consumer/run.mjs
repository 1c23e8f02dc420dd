#!/usr/bin/env node
/**
 * The consumer test: what `npm install @llmeter/...` gives a stranger's service.
 *
 * 1. Packs every non-private package under packages/* with pnpm (which turns
 *    `workspace:*` into real versions), checks each tarball holds README.md and
 *    LICENSE, and lints it with publint and @arethetypeswrong/cli (ESM and CJS types).
 * 2. Installs the tarballs with plain npm into a fresh project in a temporary
 *    directory outside the workspace (no pnpm, no workspace links), once, with
 *    npm running on Node 24, and checks the install holds one version of each
 *    OpenTelemetry package a tarball pins exactly.
 * 3. On Node 22 and on Node 24 (the root devDependencies `node22` and `node`),
 *    runs project/check.mjs there: every public entry point loads by import and by
 *    require, an ESM service, a CJS service and the `--import @llmeter/core/register`
 *    form send telemetry to @llmeter/testing's receivers and serve /metrics, and
 *    `tsc --noEmit` type-checks a file that imports every public entry point.
 *
 * Packages are discovered, not listed: a new package under packages/ is covered
 * as soon as it exists. Run after a build: `pnpm run build && pnpm run test:consumer`.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const here = fileURLToPath(new URL('.', import.meta.url));
const NODES = [
  ['Node 22', join(root, 'node_modules/node22/bin/node')],
  ['Node 24', join(root, 'node_modules/node/bin/node')],
];
const keep = process.env.LLMETER_CONSUMER_KEEP === '1';

const started = performance.now();
function step(title) {
  const s = ((performance.now() - started) / 1000).toFixed(0);
  process.stdout.write(`-- [${s}s] ${title}\n`);
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    ...options,
  });
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    throw new Error(`${cmd} ${args.join(' ')} failed (${result.status ?? result.signal})`);
  }
  return result.stdout;
}

for (const [name, bin] of NODES)
  if (!existsSync(bin)) throw new Error(`${name} missing: ${bin} (pnpm install)`);

// 1. discover, pack and lint
const packages = readdirSync(join(root, 'packages'))
  .map((dir) => join(root, 'packages', dir))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => manifest.private !== true);
for (const { dir, manifest } of packages) {
  if (!existsSync(join(dir, 'dist')))
    throw new Error(`${manifest.name} is not built: run pnpm run build first`);
}

// Every published package versions together (changesets' `fixed` group).
const changesets = JSON.parse(readFileSync(join(root, '.changeset/config.json'), 'utf8'));
const fixed = new Set((changesets.fixed ?? []).flat());
const unversioned = packages.map((p) => p.manifest.name).filter((name) => !fixed.has(name));
if (unversioned.length > 0) {
  throw new Error(`add ${unversioned.join(', ')} to the "fixed" group of .changeset/config.json`);
}

const work = mkdtempSync(join(tmpdir(), 'llmeter-consumer-'));
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);
step(`packing ${packages.map((p) => p.manifest.name).join(', ')}`);
const pnpm =
  process.env.npm_execpath && /pnpm/.test(process.env.npm_execpath)
    ? process.env.npm_execpath
    : undefined;
const packed = [];
for (const { dir, manifest } of packages) {
  const out = pnpm
    ? run(pnpm, ['pack', '--pack-destination', tarballs], { cwd: dir })
    : run('npx', ['-y', 'pnpm@12', 'pack', '--pack-destination', tarballs], { cwd: dir });
  const file = out.trim().split('\n').pop().trim();
  const listing = run('tar', ['-tzf', file]);
  for (const required of ['package/README.md', 'package/LICENSE', 'package/package.json']) {
    if (!listing.split('\n').includes(required)) {
      throw new Error(
        `${manifest.name}: ${required} is not in the tarball (copy the root LICENSE into the package, write its README, list both in "files")`,
      );
    }
  }
  const license = readFileSync(join(dir, 'LICENSE'), 'utf8');
  if (
    license !== readFileSync(join(root, 'LICENSE'), 'utf8') ||
    !license.includes('Apache License') ||
    !license.includes('END OF TERMS AND CONDITIONS')
  ) {
    throw new Error(`${manifest.name}: LICENSE is not the Apache-2.0 text`);
  }
  packed.push({ name: manifest.name, file, manifest });
}

step('publint and arethetypeswrong on every tarball');
const bin = (name) => join(root, 'node_modules/.bin', name);
for (const { name, file } of packed) {
  run(bin('publint'), ['run', file, '--strict', '--pack', 'false']);
  // node16 profile: ESM and CJS resolution under Node (no exports-less node10 resolution).
  const attw = spawnSync(bin('attw'), [file, '--profile', 'node16', '--format', 'ascii'], {
    encoding: 'utf8',
  });
  if (attw.status !== 0) {
    process.stderr.write(`${attw.stdout}${attw.stderr}`);
    throw new Error(`${name}: @arethetypeswrong/cli found problems`);
  }
}

// 2. a fresh npm project outside the workspace
const project = join(work, 'project');
cpSync(join(here, 'project'), project, { recursive: true });
const entryPoints = [];
for (const { name, manifest } of packed) {
  for (const key of Object.keys(manifest.exports ?? { '.': {} })) {
    if (key === './package.json' || key.includes('*')) continue;
    entryPoints.push(key === '.' ? name : `${name}/${key.slice(2)}`);
  }
}
writeFileSync(join(project, 'entry-points.json'), `${JSON.stringify(entryPoints, null, 2)}\n`);
const alias = (spec) => `m_${spec.replace(/[^a-zA-Z0-9]/g, '_')}`;
const types = entryPoints.map((spec) => `import * as ${alias(spec)} from '${spec}';`).join('\n');
const used = entryPoints.map((spec) => alias(spec)).join(', ');
writeFileSync(
  join(project, 'all-entry-points.mts'),
  `// Generated by test/consumer/run.mjs: every public entry point, type-checked from the tarballs.\n${types}\n\nexport const modules: object[] = [${used}];\n`,
);
writeFileSync(
  join(project, 'all-entry-points.cts'),
  `// Generated: the same entry points as CommonJS sees them.\n${entryPoints
    .map((spec) => `import ${alias(spec)} = require('${spec}');`)
    .join('\n')}\n\nexport const modules: object[] = [${used}];\n`,
);
const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
manifest.overrides = {};
for (const { name, file } of packed) {
  manifest.dependencies[name] = `file:${file}`;
  // Every @llmeter dependency of a tarball (pnpm wrote its exact version) resolves to
  // the tarball too, never to the registry.
  manifest.overrides[name] = `$${name}`;
}
writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

const node24 = NODES[1][1];
const npmCli = (() => {
  const prefix = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' }).stdout?.trim();
  const cli = prefix ? join(prefix, 'npm/bin/npm-cli.js') : '';
  return existsSync(cli) ? cli : undefined;
})();
step(`npm install in ${project} (npm on Node 24)`);
const env = (nodeBin) => ({
  ...process.env,
  PATH: `${dirname(nodeBin)}${delimiter}${process.env.PATH}`,
});
const npmArgs = ['install', '--no-audit', '--no-fund', '--loglevel=error', '--no-package-lock'];
const npmInstall = (extra = []) =>
  npmCli
    ? run(node24, [npmCli, ...npmArgs, ...extra], { cwd: project, env: env(node24) })
    : run('npm', [...npmArgs, ...extra], { cwd: project, env: env(node24) });
try {
  npmInstall();
} catch {
  // A CI run failed with ETARGET: a package published days earlier was missing from the
  // packument npm had cached, while its siblings required it exactly. One retry that
  // revalidates every cached packument against the registry clears that; a real
  // resolution error fails again.
  step('npm install failed; retrying once with --prefer-online');
  npmInstall(['--prefer-online']);
}
if (existsSync(join(project, 'node_modules/.pnpm')))
  throw new Error('pnpm layout in the consumer project');

// One version of each OpenTelemetry package a tarball pins exactly (docs/architecture.md):
// a second means some range resolved past the pins, ~100 more modules at start-up.
step('one version of each exactly pinned OpenTelemetry package');
const versions = new Map();
for (const { manifest: m } of packed)
  for (const [name, range] of Object.entries(m.dependencies ?? {}))
    if (name.startsWith('@opentelemetry/') && /^\d/.test(range)) versions.set(name, new Set());
(function walk(modules) {
  if (!existsSync(modules)) return;
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue;
    const dirs = entry.startsWith('@')
      ? readdirSync(join(modules, entry)).map((name) => join(modules, entry, name))
      : [join(modules, entry)];
    for (const dir of dirs) {
      const pkg = join(dir, 'package.json');
      if (!existsSync(pkg)) continue;
      const { name, version } = JSON.parse(readFileSync(pkg, 'utf8'));
      versions.get(name)?.add(version);
      walk(join(dir, 'node_modules'));
    }
  }
})(join(project, 'node_modules'));
const duplicated = [...versions]
  .filter(([, found]) => found.size > 1)
  .map(([name, found]) => `${name}: ${[...found].join(', ')}`);
if (duplicated.length > 0)
  throw new Error(`more than one version installed: ${duplicated.join('; ')}`);

// 3. the same checks on each Node
let failed = false;
for (const [label, nodeBin] of NODES) {
  step(`${label}: services, register form, entry points, tsc --noEmit`);
  const result = spawnSync(nodeBin, ['check.mjs'], {
    cwd: project,
    env: env(nodeBin),
    encoding: 'utf8',
    timeout: 180_000,
  });
  process.stdout.write(result.stdout.replace(/^(?=.)/gm, '   '));
  if (result.status !== 0) {
    failed = true;
    process.stderr.write(result.stderr);
    process.stderr.write(`${label}: consumer checks failed (${result.status ?? result.signal})\n`);
  }
}
if (keep) process.stdout.write(`kept ${work}\n`);
else rmSync(work, { recursive: true, force: true });
if (failed) process.exit(1);
step('consumer test passed');
