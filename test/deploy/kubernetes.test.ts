/**
 * deploy/kubernetes: every overlay rendered (test/deploy/support/kustomize.ts, cross-checked
 * with `kubectl kustomize` where kubectl exists), every rendered object validated against the
 * Kubernetes and prometheus-operator schemas from npm (kubernetes-models,
 * @kubernetes-models/prometheus-operator) plus a strict unknown-field check, and the wiring
 * between objects checked: selectors, port names, ConfigMap references, RBAC, the HPA, the
 * Downward API variables llmeter reads, and one metric path per overlay.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, delimiter, dirname, join, resolve } from 'node:path';
import { K8S_ENV_TO_RESOURCE, resolveConfig } from '@llmeter/core/internal';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { schemaProblems, strictFieldProblems } from './support/k8s-validate';
import { build, type K8sObject, sortObjects } from './support/kustomize';
import {
  DASHBOARDS_DIR,
  HELM_DIR,
  KUBERNETES_DIR,
  listFiles,
  ROOT,
  readYaml,
  rel,
} from './support/repo';

const OVERLAYS = listFiles(join(KUBERNETES_DIR, 'overlays'), (n) => n === 'kustomization.yaml').map(
  (f) => dirname(f),
);
const TARGETS = [join(KUBERNETES_DIR, 'base'), ...OVERLAYS];
const rendered = new Map(TARGETS.map((dir) => [dir, build(dir)]));

function kubectl(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const path = join(dir, 'kubectl');
    if (existsSync(path)) return path;
  }
  return undefined;
}
const KUBECTL = kubectl();
// CI's machine image ships kubectl: there a missing one fails the cross-check instead of
// skipping it, so a broken image cannot quietly drop it. Elsewhere it is optional.
const KUBECTL_REQUIRED = !!process.env.CI;

const byKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const find = (objects: K8sObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);
const podTemplates = (objects: K8sObject[]) =>
  objects
    .filter((o) => o.spec?.template?.spec)
    .map((o) => ({
      owner: o,
      labels: o.spec.template.metadata?.labels ?? {},
      spec: o.spec.template.spec,
    }));
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  !!selector && Object.entries(selector).every(([k, v]) => labels[k] === v);

/**
 * Why a second collector pod could receive the same agent's delta metrics and start a second
 * running sum of its series (deltatocumulative keeps them in memory): empty when none can.
 */
function secondAccumulators(collector: {
  mode: string;
  replicas: number;
  strategy: string;
  autoscaled: boolean;
}): string[] {
  const problems: string[] = [];
  if (collector.mode !== 'deployment') problems.push(`mode ${collector.mode}: a pod per node`);
  if (collector.replicas !== 1) problems.push(`${collector.replicas} replicas`);
  if (collector.autoscaled) problems.push('autoscaled');
  // A rolling update starts the new pod before the old one stops: both serve for a while.
  if (collector.strategy !== 'Recreate') problems.push(`${collector.strategy}, not Recreate`);
  return problems;
}

const AGENT = (objects: K8sObject[]) => find(objects, 'Deployment', 'agent-service')!;
const agentContainer = (objects: K8sObject[]) =>
  AGENT(objects).spec.template.spec.containers.find((c: any) => c.name === 'agent-service');
/** The container's literal env values (valueFrom entries left out). */
const literalEnv = (container: any): Record<string, string> =>
  Object.fromEntries(
    (container.env ?? [])
      .filter((e: any) => e.value !== undefined)
      .map((e: any) => [e.name, e.value]),
  );

describe.each(TARGETS.map((dir) => [rel(dir), dir] as const))('%s', (_name, dir) => {
  const objects = rendered.get(dir)!;

  it.skipIf(!KUBECTL && !KUBECTL_REQUIRED)('renders exactly as `kubectl kustomize` does', () => {
    if (!KUBECTL)
      throw new Error(
        'kubectl is not on PATH, and CI is set: CI’s machine image ships kubectl, and this ' +
          'test cross-checks the rendered manifests with `kubectl kustomize`',
      );
    const out = execFileSync(KUBECTL!, ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
    const theirs = parseAllDocuments(out).map((d) => d.toJS() as K8sObject);
    expect(sortObjects(objects)).toEqual(sortObjects(theirs));
  });

  it('validates against the Kubernetes and prometheus-operator schemas', async () => {
    expect(await schemaProblems(objects)).toEqual([]);
  });

  it('has no field the schemas do not know (strict)', () => {
    expect(strictFieldProblems(objects)).toEqual([]);
  });

  it('every namespaced object has a namespace, every image a pinned tag', () => {
    for (const o of objects) {
      if (!['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind)) {
        expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toMatch(/^[a-z0-9-]+$/);
      }
    }
    for (const { owner, spec } of podTemplates(objects)) {
      for (const c of spec.containers) {
        expect(c.image, `${owner.metadata.name}/${c.name}`).toMatch(
          /^[^:@]+(:[\w.-]+|@sha256:\w+)$/,
        );
        expect(c.image).not.toMatch(/:latest$/);
      }
    }
  });

  it('Services select pods and name ports the containers expose', () => {
    for (const svc of byKind(objects, 'Service')) {
      const pods = podTemplates(objects).filter(
        (p) =>
          p.owner.metadata.namespace === svc.metadata.namespace &&
          matches(svc.spec.selector, p.labels),
      );
      expect(pods.length, `Service ${svc.metadata.name} selects no pod`).toBeGreaterThan(0);
      for (const port of svc.spec.ports) {
        if (typeof port.targetPort !== 'string') continue;
        for (const p of pods) {
          const names = p.spec.containers.flatMap((c: any) =>
            (c.ports ?? []).map((x: any) => x.name),
          );
          expect(names, `${svc.metadata.name}:${port.name}`).toContain(port.targetPort);
        }
      }
    }
  });

  it('ServiceMonitors and PodMonitors find their targets', () => {
    for (const sm of byKind(objects, 'ServiceMonitor')) {
      const namespaces: string[] = sm.spec.namespaceSelector?.matchNames ?? [sm.metadata.namespace];
      const services = byKind(objects, 'Service').filter(
        (s) =>
          namespaces.includes(s.metadata.namespace!) &&
          matches(sm.spec.selector.matchLabels, s.metadata.labels ?? {}),
      );
      if (namespaces.every((n) => !objects.some((o) => o.metadata.namespace === n))) {
        // Outside these manifests (dcgm-exporter lives in gpu-operator): only the selector shape.
        expect(sm.spec.selector.matchLabels, sm.metadata.name).toBeDefined();
        continue;
      }
      expect(services.length, `ServiceMonitor ${sm.metadata.name} selects no Service`).toBe(1);
      const ports = services[0]!.spec.ports.map((p: any) => p.name);
      for (const ep of sm.spec.endpoints) expect(ports).toContain(ep.port);
      if (sm.spec.jobLabel) expect(services[0]!.metadata.labels).toHaveProperty([sm.spec.jobLabel]);
    }
    for (const pm of byKind(objects, 'PodMonitor')) {
      const pods = podTemplates(objects).filter(
        (p) =>
          p.owner.metadata.namespace === pm.metadata.namespace &&
          matches(pm.spec.selector.matchLabels, p.labels),
      );
      expect(pods.length, `PodMonitor ${pm.metadata.name} selects no pod`).toBeGreaterThan(0);
      for (const p of pods) {
        const names = p.spec.containers.flatMap((c: any) =>
          (c.ports ?? []).map((x: any) => x.name),
        );
        for (const ep of pm.spec.podMetricsEndpoints) expect(names).toContain(ep.port);
        if (pm.spec.jobLabel) expect(p.labels).toHaveProperty([pm.spec.jobLabel]);
      }
    }
  });

  it('the DCGM ServiceMonitor keeps DCGM’s pod labels (honorLabels: true)', () => {
    const dcgm = find(objects, 'ServiceMonitor', 'nvidia-dcgm-exporter')!;
    expect(dcgm.spec.endpoints.every((e: any) => e.honorLabels === true)).toBe(true);
  });

  it('ConfigMap and ServiceAccount references resolve', () => {
    for (const { owner, spec } of podTemplates(objects)) {
      const ns = owner.metadata.namespace;
      for (const v of spec.volumes ?? []) {
        if (!v.configMap) continue;
        expect(
          objects.some(
            (o) =>
              o.kind === 'ConfigMap' &&
              o.metadata.namespace === ns &&
              o.metadata.name === v.configMap.name,
          ),
          `${owner.metadata.name}: ConfigMap ${v.configMap.name}`,
        ).toBe(true);
      }
      if (spec.serviceAccountName) {
        expect(
          objects.some(
            (o) =>
              o.kind === 'ServiceAccount' &&
              o.metadata.namespace === ns &&
              o.metadata.name === spec.serviceAccountName,
          ),
          `${owner.metadata.name}: ServiceAccount ${spec.serviceAccountName}`,
        ).toBe(true);
      }
    }
  });

  it('the collector may read what k8sattributes watches', () => {
    const collector = find(objects, 'Deployment', 'otel-collector')!;
    const sa = collector.spec.template.spec.serviceAccountName;
    const binding = byKind(objects, 'ClusterRoleBinding').find((b) =>
      b.subjects.some(
        (s: any) =>
          s.kind === 'ServiceAccount' &&
          s.name === sa &&
          s.namespace === collector.metadata.namespace,
      ),
    )!;
    expect(binding, 'a ClusterRoleBinding for the collector').toBeDefined();
    const role = find(objects, 'ClusterRole', binding.roleRef.name)!;
    const allowed = (group: string, resource: string) =>
      role.rules.some(
        (r: any) =>
          r.apiGroups.includes(group) &&
          r.resources.includes(resource) &&
          ['get', 'watch', 'list'].every((v) => r.verbs.includes(v)),
      );
    for (const resource of ['pods', 'namespaces', 'nodes'])
      expect(allowed('', resource)).toBe(true);
    expect(allowed('apps', 'replicasets')).toBe(true);
  });

  it('the agent sets every Downward API variable llmeter reads', () => {
    const env: any[] = agentContainer(objects).env;
    const fieldPaths: Record<string, string> = {
      K8S_POD_NAME: 'metadata.name',
      K8S_NAMESPACE_NAME: 'metadata.namespace',
      K8S_NODE_NAME: 'spec.nodeName',
      K8S_POD_UID: 'metadata.uid',
    };
    for (const variable of Object.keys(K8S_ENV_TO_RESOURCE)) {
      const entry = env.find((e) => e.name === variable);
      expect(entry, variable).toBeDefined();
      if (variable === 'K8S_CONTAINER_NAME') expect(entry.value).toBe(agentContainer(objects).name);
      else expect(entry.valueFrom?.fieldRef?.fieldPath, variable).toBe(fieldPaths[variable]);
    }
  });

  it('metrics reach Prometheus through exactly one path', () => {
    const config = resolveConfig({}, literalEnv(agentContainer(objects)));
    const scrapes = config.metricsExporter.includes('prometheus');
    const pushes = config.metricsExporter.includes('otlp');
    expect(scrapes !== pushes, `OTEL_METRICS_EXPORTER resolves to ${config.metricsExporter}`).toBe(
      true,
    );
    const agentLabels = AGENT(objects).spec.template.metadata.labels;
    const service = find(objects, 'Service', 'agent-service')!;
    const monitors = [
      ...byKind(objects, 'ServiceMonitor').filter((m) =>
        matches(m.spec.selector.matchLabels, service.metadata.labels),
      ),
      ...byKind(objects, 'PodMonitor').filter((m) =>
        matches(m.spec.selector.matchLabels, agentLabels),
      ),
    ];
    expect(monitors.length, 'monitors scraping the agent').toBe(scrapes ? 1 : 0);
  });

  it('delta metrics over OTLP meet a single deltatocumulative (one collector replica)', () => {
    const config = resolveConfig({}, literalEnv(agentContainer(objects)));
    if (!config.metricsExporter.includes('otlp') || config.metricsTemporality !== 'delta') return;
    const collector = find(objects, 'Deployment', 'otel-collector')!;
    const autoscaled = byKind(objects, 'HorizontalPodAutoscaler').some(
      (h) => h.spec.scaleTargetRef.name === collector.metadata.name,
    );
    expect(
      secondAccumulators({
        mode: 'deployment',
        replicas: collector.spec.replicas ?? 1,
        strategy: collector.spec.strategy?.type ?? 'RollingUpdate',
        autoscaled,
      }),
    ).toEqual([]);
  });

  it('Grafana dashboards are sidecar ConfigMaps holding the dashboard files', () => {
    const maps = byKind(objects, 'ConfigMap').filter(
      (c) => c.metadata.labels?.grafana_dashboard === '1',
    );
    const files = listFiles(DASHBOARDS_DIR, (n) => n.endsWith('.json'));
    expect(maps.length).toBe(files.length);
    for (const file of files) {
      const cm = maps.find((c) => c.data?.[basename(file)] !== undefined)!;
      expect(cm, basename(file)).toBeDefined();
      expect(cm.data[basename(file)]).toBe(readFileSync(file, 'utf8'));
      expect(cm.metadata.annotations?.grafana_folder).toBe('LLMeter');
      // kubectl's client-side apply keeps a copy in an annotation limited to 256 KiB.
      expect(Buffer.byteLength(JSON.stringify(cm.data))).toBeLessThan(256 * 1024);
    }
  });
});

describe('deploy/helm/opentelemetry-collector.values.yaml', () => {
  const values = readYaml<any>(join(HELM_DIR, 'opentelemetry-collector.values.yaml'));

  it('delta metrics over OTLP meet a single deltatocumulative (one collector replica)', () => {
    // Not tied to an overlay: whichever agent sends it OTLP metrics (overlays/otlp's does) may
    // send deltas, so the chart's collector must be one pod whenever its metrics pipeline
    // accumulates them.
    const pipelines = Object.entries<any>(values.config.service.pipelines).filter(
      ([id]) => id.split('/')[0] === 'metrics',
    );
    const accumulates = pipelines.some(([, p]) =>
      (p.processors ?? []).some((id: string) => id.split('/')[0] === 'deltatocumulative'),
    );
    expect(accumulates, 'the guard below is only needed while it accumulates').toBe(true);
    expect(
      secondAccumulators({
        // The chart's defaults where the values leave them out.
        mode: values.mode,
        replicas: values.replicaCount ?? 1,
        strategy: values.rollout?.strategy ?? 'RollingUpdate',
        autoscaled: values.autoscaling?.enabled === true,
      }),
    ).toEqual([]);
  });
});

describe('production overlay', () => {
  const objects = rendered.get(join(KUBERNETES_DIR, 'overlays', 'production'))!;
  const hpa = find(objects, 'HorizontalPodAutoscaler', 'agent-service')!;

  it('scales the agent with an HPA on the prometheus-adapter metrics, and leaves replicas to it', () => {
    expect(find(objects, hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name)).toBeDefined();
    expect(AGENT(objects).spec.replicas).toBeUndefined();
    const adapter = readYaml<any>(join(HELM_DIR, 'prometheus-adapter.values.yaml'));
    const served = adapter.rules.custom.map((r: any) => r.name.as);
    const used = hpa.spec.metrics.map((m: any) => m.pods.metric.name);
    expect(used).toContain('llmeter_client_active_requests');
    for (const name of used) expect(served).toContain(name);
  });

  it('keeps a PodDisruptionBudget on the agent and samples 10 % of traces', () => {
    const pdb = find(objects, 'PodDisruptionBudget', 'agent-service')!;
    expect(
      matches(pdb.spec.selector.matchLabels, AGENT(objects).spec.template.metadata.labels),
    ).toBe(true);
    expect(literalEnv(agentContainer(objects)).OTEL_TRACES_SAMPLER_ARG).toBe('0.1');
  });
});

describe('files', () => {
  it('every manifest under deploy/kubernetes is used by some kustomization', () => {
    const used = new Set<string>();
    const kustomizations = listFiles(KUBERNETES_DIR, (n) => n === 'kustomization.yaml');
    for (const file of kustomizations) {
      const k = parseYaml(readFileSync(file, 'utf8'));
      const dir = dirname(file);
      for (const r of k.resources ?? []) used.add(resolve(dir, r));
      for (const c of k.components ?? []) used.add(resolve(dir, c));
      for (const p of k.patches ?? []) if (p.path) used.add(resolve(dir, p.path));
      for (const g of k.configMapGenerator ?? []) {
        for (const f of g.files ?? [])
          used.add(resolve(dir, f.includes('=') ? f.split('=')[1] : f));
      }
    }
    const orphans = listFiles(KUBERNETES_DIR, (n) => /\.(ya?ml|sh)$/.test(n))
      .filter((f) => basename(f) !== 'kustomization.yaml')
      .filter((f) => !used.has(f))
      .map(rel);
    expect(orphans).toEqual([]);
  });

  it('the agent image is built from examples/agent-service, as the non-root user the pod runs as', () => {
    const dockerfile = join(ROOT, 'examples', 'agent-service', 'Dockerfile');
    if (!existsSync(dockerfile)) return; // written alongside; checked once it is there
    const text = readFileSync(dockerfile, 'utf8');
    const agent = AGENT(rendered.get(join(KUBERNETES_DIR, 'base'))!);
    const container = agent.spec.template.spec.containers[0];
    expect(text).toMatch(new RegExp(`^EXPOSE ${container.ports[0].containerPort}$`, 'm'));
    const user = /^USER (\d+)(?::(\d+))?$/m.exec(text);
    expect(Number(user?.[1])).toBe(agent.spec.template.spec.securityContext.runAsUser);
  });
});
