// Builds deploy/prometheus/prometheusrule.yaml (the Prometheus-operator PrometheusRule) from the
// plain rule files in deploy/prometheus/rules, the single source of truth. Used by
// write-prometheusrule.mjs (writes the file) and rules.test.ts (fails when it is stale).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const RULES_DIR = join(root, 'deploy', 'prometheus', 'rules');
export const PROMETHEUS_RULE_FILE = join(root, 'deploy', 'prometheus', 'prometheusrule.yaml');

/** The text prometheusrule.yaml must have. */
export function renderPrometheusRule() {
  const files = readdirSync(RULES_DIR)
    .filter((name) => name.endsWith('.rules.yaml'))
    .sort();
  const groups = files.flatMap((name) => parse(readFileSync(join(RULES_DIR, name), 'utf8')).groups);
  const resource = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: 'llmeter',
      labels: {
        'app.kubernetes.io/name': 'llmeter',
        'app.kubernetes.io/part-of': 'llmeter',
        // kube-prometheus-stack's default ruleSelector; our values file selects all anyway.
        release: 'kube-prometheus-stack',
      },
    },
    spec: { groups },
  };
  const header = [
    '# GENERATED from deploy/prometheus/rules/*.rules.yaml — do not edit; edit the rule files and',
    '# run `node test/deploy/write-prometheusrule.mjs`. test/deploy/rules.test.ts fails when stale.',
    `# Sources: ${files.join(', ')}`,
  ].join('\n');
  return `${header}\n${stringify(resource, { lineWidth: 0, blockQuote: 'literal' })}`;
}
