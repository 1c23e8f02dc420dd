// Regenerates deploy/prometheus/prometheusrule.yaml from deploy/prometheus/rules/*.rules.yaml,
// then formats it with the repository's Biome (which formats YAML) so `biome check` stays clean.
//   node test/deploy/write-prometheusrule.mjs
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROMETHEUS_RULE_FILE, renderPrometheusRule } from './support/prometheusrule.mjs';

writeFileSync(PROMETHEUS_RULE_FILE, renderPrometheusRule());
const biome = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'node_modules',
  '.bin',
  'biome',
);
const formatted = spawnSync(biome, ['format', '--write', PROMETHEUS_RULE_FILE], {
  stdio: 'inherit',
});
if (formatted.status !== 0) process.exitCode = 1;
console.log(`wrote ${PROMETHEUS_RULE_FILE}`);
