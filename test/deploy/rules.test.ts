/**
 * llmeter's Prometheus rules (deploy/prometheus/rules/*.rules.yaml), with Debian's promtool:
 * `promtool check rules` on every file and on the PrometheusRule's groups, `promtool test rules`
 * on test/deploy/promtool/*.test.yaml, and a coverage check of those tests (every alert fires in
 * one case and stays silent in another; every recording rule's output is checked). Also: the
 * PrometheusRule CR is generated from the rule files (one source of truth), and every alert has
 * severity, summary, description and a runbook section that exists in docs/runbooks.md.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { findPromtool, promtool } from '../support/prometheus';
import { build } from './support/kustomize';
import { PROMETHEUS_RULE_FILE, renderPrometheusRule } from './support/prometheusrule.mjs';
import { KUBERNETES_DIR, listFiles, ROOT, readYaml, ruleFiles } from './support/repo';

const havePromtool = findPromtool() !== undefined;
if (!havePromtool && process.env.CI)
  throw new Error('promtool is required in CI (.ci/install-system-deps.sh)');

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface Group {
  name: string;
  rules: Rule[];
}

const RULE_FILES = ruleFiles();
const groups: Group[] = RULE_FILES.flatMap((f) => readYaml<{ groups: Group[] }>(f).groups);
const rules = groups.flatMap((g) => g.rules);
const alerts = rules.filter((r) => r.alert);
const records = [...new Set(rules.filter((r) => r.record).map((r) => r.record!))];
const TEST_FILES = listFiles(join(ROOT, 'test', 'deploy', 'promtool'), (n) =>
  n.endsWith('.test.yaml'),
);
const scratch = mkdtempSync(join(tmpdir(), 'llmeter-rules-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.skipIf(!havePromtool)('promtool', () => {
  it.each(RULE_FILES.map((f) => [basename(f), f]))('check rules %s', async (_name, file) => {
    const result = await promtool(['check', 'rules', file]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it('check rules on the PrometheusRule’s spec', async () => {
    const rendered = build(join(KUBERNETES_DIR, 'base')).find((o) => o.kind === 'PrometheusRule')!;
    const file = join(scratch, 'prometheusrule-spec.yaml');
    writeFileSync(file, stringify(rendered.spec));
    const result = await promtool(['check', 'rules', file]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it.each(TEST_FILES.map((f) => [basename(f), f]))('test rules %s', async (_name, file) => {
    const result = await promtool(['test', 'rules', file], { timeoutMs: 60_000 });
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });
});

describe('promtool tests cover every rule', () => {
  interface AlertTest {
    alertname: string;
    eval_time: string;
    exp_alerts?: unknown[];
  }
  const tests = TEST_FILES.flatMap((f) =>
    readYaml<{ rule_files: string[]; tests: any[] }>(f).tests.map((t) => ({ ...t, file: f })),
  );

  it('each test file loads every rule file', () => {
    for (const file of TEST_FILES) {
      const loaded = readYaml<{ rule_files: string[] }>(file).rule_files.map((p) => basename(p));
      expect(loaded.sort(), basename(file)).toEqual(RULE_FILES.map((f) => basename(f)).sort());
    }
  });

  it.each(alerts.map((a) => [a.alert!]))('alert %s: one case fires, one stays silent', (name) => {
    const cases: AlertTest[] = tests.flatMap((t) => (t.alert_rule_test ?? []) as AlertTest[]);
    const mine = cases.filter((c) => c.alertname === name);
    expect(
      mine.some((c) => (c.exp_alerts ?? []).length > 0),
      `${name} never fires in a test`,
    ).toBe(true);
    expect(
      mine.some((c) => (c.exp_alerts ?? []).length === 0),
      `${name} is never tested silent`,
    ).toBe(true);
  });

  it.each(records.map((r) => [r]))('recording rule %s: its output is checked', (record) => {
    const checked = tests
      .flatMap(
        (t) => (t.promql_expr_test ?? []) as Array<{ expr: string; exp_samples?: unknown[] }>,
      )
      .filter((c) =>
        new RegExp(`(^|[^\\w:])${record.replaceAll(':', '\\:')}($|[^\\w:])`).test(c.expr),
      )
      .filter((c) => (c.exp_samples ?? []).length > 0);
    expect(checked.length, `no promql_expr_test with exp_samples for ${record}`).toBeGreaterThan(0);
  });
});

describe('rules', () => {
  it('the PrometheusRule is generated from the rule files (node test/deploy/write-prometheusrule.mjs)', () => {
    // Same content (Biome may lay the YAML out differently), and marked as generated.
    const text = readFileSync(PROMETHEUS_RULE_FILE, 'utf8');
    expect(parseYaml(text)).toEqual(parseYaml(renderPrometheusRule()));
    expect(text.startsWith('# GENERATED from deploy/prometheus/rules/')).toBe(true);
    const rendered = build(join(KUBERNETES_DIR, 'base')).find((o) => o.kind === 'PrometheusRule')!;
    expect(rendered.spec.groups).toEqual(groups);
    expect(rendered.metadata.namespace).toBe('monitoring');
  });

  it('group names are unique and rule names follow the conventions', () => {
    expect(new Set(groups.map((g) => g.name)).size).toBe(groups.length);
    for (const record of records) expect(record).toMatch(/^llmeter:[a-z0-9_]+:[a-z0-9_]+$/);
    for (const alert of alerts) expect(alert.alert).toMatch(/^LLMeter[A-Z][A-Za-z]+$/);
  });

  it.each(alerts.map((a) => [a.alert!, a]))(
    'alert %s documents itself and links its runbook',
    (name, alert) => {
      expect(alert.labels?.severity).toMatch(/^(info|warning|critical)$/);
      expect(alert.annotations?.summary?.length).toBeGreaterThan(10);
      expect(alert.annotations?.description?.length).toBeGreaterThan(30);
      const url = alert.annotations?.runbook_url ?? '';
      const match = /\/docs\/runbooks\.md#([a-z0-9-]+)$/.exec(url);
      expect(match?.[1], `${name}: runbook_url ${url}`).toBe(name.toLowerCase());
      const runbooks = readFileSync(join(ROOT, 'docs', 'runbooks.md'), 'utf8');
      const anchors = [...runbooks.matchAll(/^#{2,3} (.+)$/gm)].map((m) =>
        m[1]!
          .trim()
          .toLowerCase()
          .replace(/[^\w\- ]/g, '')
          .replace(/ /g, '-'),
      );
      expect(anchors, `docs/runbooks.md has no section ${match?.[1]}`).toContain(match?.[1]);
    },
  );

  it('every runbook section is an alert that exists', () => {
    const runbooks = readFileSync(join(ROOT, 'docs', 'runbooks.md'), 'utf8');
    const sections = [...runbooks.matchAll(/^## (LLMeter\w+)$/gm)].map((m) => m[1]);
    expect(sections.sort()).toEqual(alerts.map((a) => a.alert).sort());
  });
});
