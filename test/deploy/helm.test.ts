/**
 * deploy/helm values files, without Helm (no chart is rendered here): each parses, and what
 * llmeter relies on is set and agrees with the other pieces — the Grafana sidecar's label and
 * folder annotation with the dashboard ConfigMaps, Prometheus' features with the rules and
 * dashboards, the service names the collector, Fluent Bit, Grafana and prometheus-adapter use.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from './support/kustomize';
import { HELM_DIR, KUBERNETES_DIR, listFiles, readYaml, rel } from './support/repo';

const values = (name: string) => readYaml<any>(join(HELM_DIR, `${name}.values.yaml`));
const stack = values('kube-prometheus-stack');
const datasource = (type: string) =>
  stack.grafana.additionalDataSources.find((d: any) => d.type === type);

describe('deploy/helm', () => {
  it.each(listFiles(HELM_DIR).map((f) => [rel(f), f]))('%s parses', (_name, file) => {
    expect(readYaml(file)).toBeTypeOf('object');
  });

  it('kube-prometheus-stack: Prometheus keeps exemplars and 30 days, and selects llmeter’s objects', () => {
    const spec = stack.prometheus.prometheusSpec;
    expect(spec.enableFeatures).toContain('exemplar-storage');
    expect(Number.parseInt(spec.retention, 10)).toBeGreaterThanOrEqual(30); // the 30 d SLO rules
    for (const key of [
      'serviceMonitorSelectorNilUsesHelmValues',
      'podMonitorSelectorNilUsesHelmValues',
      'ruleSelectorNilUsesHelmValues',
    ]) {
      expect(spec[key], key).toBe(false);
    }
  });

  it('kube-prometheus-stack: Grafana’s sidecar loads the dashboard ConfigMaps', () => {
    const sidecar = stack.grafana.sidecar.dashboards;
    const maps = build(join(KUBERNETES_DIR, 'base')).filter(
      (o) => o.kind === 'ConfigMap' && o.metadata.labels?.[sidecar.label] !== undefined,
    );
    expect(maps.length).toBeGreaterThan(0);
    for (const cm of maps) {
      expect(cm.metadata.labels![sidecar.label]).toBe(sidecar.labelValue);
      expect(cm.metadata.annotations).toHaveProperty([sidecar.folderAnnotation]);
    }
    expect(sidecar.searchNamespace).toBe('ALL');
    expect(stack.grafana.sidecar.datasources.uid).toBe('prometheus');
    expect(datasource('tempo').uid).toBe('tempo');
    expect(datasource('loki').uid).toBe('loki');
  });

  it('Fluent Bit ships to the Loki Grafana reads, with the labels the log panel selects on', () => {
    const outputs: string = values('fluent-bit').config.outputs;
    const host = /^\s*Host\s+(\S+)/m.exec(outputs)?.[1];
    const port = /^\s*Port\s+(\d+)/m.exec(outputs)?.[1];
    const loki = new URL(datasource('loki').url);
    expect(`${host}:${port}`).toBe(`${loki.hostname}:${loki.port || '80'}`);
    expect(outputs).toMatch(/Labels\s+.*namespace=\$kubernetes\['namespace_name'\]/);
    expect(outputs).toMatch(/Drop_Single_Key\s+raw/);
    expect(values('loki').loki.limits_config.allow_structured_metadata).toBe(true);
  });

  it('Grafana’s Tempo and prometheus-adapter’s Prometheus are the releases the guide installs', () => {
    expect(new URL(datasource('tempo').url).hostname).toBe('tempo.monitoring.svc.cluster.local');
    const adapter = values('prometheus-adapter');
    expect(new URL(adapter.prometheus.url).hostname).toBe(
      'kube-prometheus-stack-prometheus.monitoring.svc',
    );
    expect(adapter.prometheus.port).toBe(9090);
    expect(adapter.rules.default).toBe(false);
  });
});
