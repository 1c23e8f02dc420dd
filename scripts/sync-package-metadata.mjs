#!/usr/bin/env node
/**
 * Brings every non-private package under packages/* to what npm needs, the same
 * for all: the root LICENSE copied in, README.md and LICENSE in `files`, and
 * repository (with directory), homepage, bugs, license and publishConfig
 * (public, with provenance). Keywords are added only where a package has none.
 * Idempotent; prints what it changed. Run it after adding a package:
 *   node scripts/sync-package-metadata.mjs
 * (test/consumer/run.mjs and test/ci-workflows.test.ts check the result).
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPOSITORY = 'https://github.com/llmeter/llmeter';
const root = fileURLToPath(new URL('..', import.meta.url));
const license = readFileSync(join(root, 'LICENSE'), 'utf8');

for (const name of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', name);
  const file = join(dir, 'package.json');
  if (!existsSync(file)) continue;
  const before = readFileSync(file, 'utf8');
  const manifest = JSON.parse(before);
  if (manifest.private === true) continue;
  const changes = [];
  if (!existsSync(join(dir, 'LICENSE')) || readFileSync(join(dir, 'LICENSE'), 'utf8') !== license) {
    copyFileSync(join(root, 'LICENSE'), join(dir, 'LICENSE'));
    changes.push('LICENSE');
  }
  const wanted = {
    license: 'Apache-2.0',
    repository: { type: 'git', url: `git+${REPOSITORY}.git`, directory: `packages/${name}` },
    homepage: `${REPOSITORY}/tree/main/packages/${name}#readme`,
    bugs: { url: `${REPOSITORY}/issues` },
    publishConfig: { access: 'public', provenance: true },
  };
  for (const [key, value] of Object.entries(wanted)) {
    if (JSON.stringify(manifest[key]) !== JSON.stringify(value)) {
      manifest[key] = value;
      changes.push(key);
    }
  }
  if (!Array.isArray(manifest.keywords) || manifest.keywords.length === 0) {
    manifest.keywords = ['opentelemetry', 'genai', 'llm', 'observability', 'tracing', 'metrics'];
    changes.push('keywords');
  }
  manifest.files ??= ['dist'];
  for (const entry of ['README.md', 'LICENSE']) {
    if (!manifest.files.includes(entry)) {
      manifest.files.push(entry);
      changes.push(`files: ${entry}`);
    }
  }
  if (!existsSync(join(dir, 'README.md'))) changes.push('README.md MISSING: write one');
  const after = `${JSON.stringify(manifest, null, 2)}\n`;
  if (after !== before) writeFileSync(file, after);
  if (changes.length > 0) console.log(`${manifest.name}: ${changes.join(', ')}`);
}
