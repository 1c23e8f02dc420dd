/**
 * The OpenTelemetry Collector configurations in deploy/ (Kubernetes base, docker-compose, the
 * Helm chart's values), checked structurally: every component a pipeline names is defined,
 * every defined component is used and exists in the collector-contrib distribution
 * (deploy/otel-collector/components.json, with its version), the pipelines have the shape
 * llmeter needs, the receivers listen where the Services/ports say, and llmeter's endpoints —
 * its defaults and the ones the manifests configure — land on the right receiver.
 */
import { join } from 'node:path';
import { resolveConfig } from '@llmeter/core/internal';
import { describe, expect, it } from 'vitest';
import { build, type K8sObject } from './support/kustomize';
import { COMPOSE_DIR, DEPLOY, HELM_DIR, KUBERNETES_DIR, readJson, readYaml } from './support/repo';

type Kind = 'receivers' | 'processors' | 'exporters' | 'extensions' | 'connectors';
const KINDS: Kind[] = ['receivers', 'processors', 'exporters', 'extensions', 'connectors'];

const components = readJson<
  Record<Kind, Array<{ type: string }>> & { version: string; image: string }
>(join(DEPLOY, 'otel-collector', 'components.json'));

/** Drops `null` entries: how Helm deletes a key of the chart's default values. */
function withoutNulls(value: any): any {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, withoutNulls(v)]),
    );
  }
  return value;
}

const base = build(join(KUBERNETES_DIR, 'base'));
const helmValues = readYaml<any>(join(HELM_DIR, 'opentelemetry-collector.values.yaml'));
const CONFIGS: Array<[string, any]> = [
  [
    'deploy/kubernetes/base/otel-collector/config.yaml',
    readYaml(join(KUBERNETES_DIR, 'base', 'otel-collector', 'config.yaml')),
  ],
  ['deploy/compose/otel-collector.yaml', readYaml(join(COMPOSE_DIR, 'otel-collector.yaml'))],
  ['deploy/helm/opentelemetry-collector.values.yaml (config)', withoutNulls(helmValues.config)],
];
const typeOf = (id: string) => id.split('/')[0]!;
const portOf = (endpoint: string) => Number(/:(\d+)$/.exec(endpoint)?.[1]);

describe.each(CONFIGS)('%s', (_name, config) => {
  const pipelines: Record<string, Record<string, string[]>> = config.service.pipelines;

  it('defines every component a pipeline or the service uses', () => {
    for (const [name, pipeline] of Object.entries(pipelines)) {
      for (const kind of ['receivers', 'processors', 'exporters'] as const) {
        for (const id of pipeline[kind] ?? []) {
          const defined = config[kind]?.[id] !== undefined || config.connectors?.[id] !== undefined;
          expect(defined, `pipeline ${name}: ${kind} ${id} is not defined`).toBe(true);
        }
      }
    }
    for (const id of config.service.extensions ?? []) {
      expect(config.extensions?.[id], `extension ${id}`).toBeDefined();
    }
  });

  it('uses every component it defines', () => {
    const used = new Set<string>([
      ...Object.values(pipelines).flatMap((p) => [
        ...(p.receivers ?? []),
        ...(p.processors ?? []),
        ...(p.exporters ?? []),
      ]),
      ...(config.service.extensions ?? []),
    ]);
    for (const kind of KINDS) {
      for (const id of Object.keys(config[kind] ?? {}))
        expect(used, `${kind} ${id} is unused`).toContain(id);
    }
  });

  it(`only has components of otelcol-contrib ${components.version}`, () => {
    for (const kind of KINDS) {
      const known = new Set(components[kind].map((c) => c.type));
      for (const id of Object.keys(config[kind] ?? {})) {
        expect(
          known.has(typeOf(id)),
          `${kind} ${id}: no "${typeOf(id)}" in otelcol-contrib ${components.version}`,
        ).toBe(true);
      }
    }
  });

  it('has the pipelines llmeter needs', () => {
    expect(Object.keys(pipelines).sort()).toEqual(['logs', 'metrics', 'traces']);
    for (const [name, p] of Object.entries(pipelines)) {
      expect(p.receivers, name).toEqual(['otlp']);
      expect(p.processors![0], `${name}: memory_limiter first`).toBe('memory_limiter');
      expect(p.processors!.at(-1), `${name}: batch last`).toBe('batch');
    }
    expect(pipelines.traces!.exporters!.map(typeOf)).toEqual(['otlp']);
    expect(pipelines.logs!.exporters!.map(typeOf)).toEqual(['otlphttp']);
    // llmeter exports DELTA over OTLP; remote write to Prometheus needs cumulative.
    const metrics = pipelines.metrics!;
    expect(metrics.exporters).toEqual(['prometheusremotewrite']);
    expect(metrics.processors).toContain('deltatocumulative');
    expect(metrics.processors).toContain('transform/prometheus_labels');
    expect(config.exporters['otlphttp/loki'].endpoint).toMatch(/\/otlp$/);
  });

  it('sets the labels the dashboards group by on the OTLP metric path', () => {
    const statements: string[] = config.processors[
      'transform/prometheus_labels'
    ].metric_statements.flatMap((s: any) => s.statements);
    for (const [label, attribute] of [
      ['namespace', 'k8s.namespace.name'],
      ['pod', 'k8s.pod.name'],
      ['container', 'k8s.container.name'],
    ]) {
      expect(
        statements.some((s) =>
          s.startsWith(`set(attributes["${label}"], resource.attributes["${attribute}"])`),
        ),
      ).toBe(true);
    }
  });

  it('receives OTLP on llmeter’s default ports: gRPC 4317 (traces), HTTP 4318 (/v1/metrics)', () => {
    const defaults = resolveConfig({}, {});
    const traces = new URL(defaults.otlpTracesEndpoint);
    const metrics = new URL(defaults.otlpMetricsEndpoint);
    const protocols = config.receivers.otlp.protocols;
    expect(portOf(protocols.grpc.endpoint)).toBe(Number(traces.port));
    expect(portOf(protocols.http.endpoint)).toBe(Number(metrics.port));
    expect(metrics.pathname).toBe('/v1/metrics'); // the OTLP/HTTP receiver's default metrics path
    expect(protocols.http.metrics_url_path).toBeUndefined();
  });
});

describe('Kubernetes wiring of the collector', () => {
  const config = CONFIGS[0]![1];
  const deployment = base.find(
    (o) => o.kind === 'Deployment' && o.metadata.name === 'otel-collector',
  )!;
  const service = base.find((o) => o.kind === 'Service' && o.metadata.name === 'otel-collector')!;
  const container = deployment.spec.template.spec.containers[0];
  const containerPort = (name: string) =>
    container.ports.find((p: any) => p.name === name)?.containerPort;
  const servicePort = (port: number) => service.spec.ports.find((p: any) => p.port === port);

  it('the Service and the container expose the receivers’ ports', () => {
    for (const [protocol, name] of [
      ['grpc', 'otlp-grpc'],
      ['http', 'otlp-http'],
    ]) {
      const port = portOf(config.receivers.otlp.protocols[protocol!].endpoint);
      expect(containerPort(name!)).toBe(port);
      expect(servicePort(port)?.targetPort).toBe(name);
    }
    expect(servicePort(4317)?.appProtocol).toBe('grpc');
    expect(containerPort('health')).toBe(portOf(config.extensions.health_check.endpoint));
    expect(container.readinessProbe.httpGet.port).toBe('health');
    const telemetry = config.service.telemetry.metrics.readers[0].pull.exporter.prometheus;
    expect(containerPort('metrics')).toBe(telemetry.port);
  });

  it('mounts the generated configuration the container is started with', () => {
    const volume = deployment.spec.template.spec.volumes.find((v: any) => v.configMap);
    const configMap = base.find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap.name,
    )!;
    expect(configMap.metadata.name).toMatch(/^otel-collector-config-[a-z0-9]{10}$/);
    const mount = container.volumeMounts.find((m: any) => m.name === volume.name);
    const file = Object.keys(configMap.data)[0]!;
    expect(container.args).toContain(`--config=${mount.mountPath}/${file}`);
    expect(readYaml(join(KUBERNETES_DIR, 'base', 'otel-collector', 'config.yaml'))).toEqual(config);
  });

  it(`runs the image the component list was taken from (${components.image})`, () => {
    expect(container.image).toBe(components.image);
    expect(`${helmValues.image.repository}:${helmValues.image.tag}`).toBe(components.image);
    const compose = readYaml<any>(join(COMPOSE_DIR, 'docker-compose.yaml'));
    expect(compose.services['otel-collector'].image).toBe(components.image);
  });

  it('associates pods on the resource attributes llmeter sets, then on the connection', () => {
    for (const c of [CONFIGS[0]![1], CONFIGS[2]![1]]) {
      const k8s = c.processors.k8sattributes;
      expect(k8s.pod_association).toEqual([
        { sources: [{ from: 'resource_attribute', name: 'k8s.pod.uid' }] },
        {
          sources: [
            { from: 'resource_attribute', name: 'k8s.pod.name' },
            { from: 'resource_attribute', name: 'k8s.namespace.name' },
          ],
        },
        { sources: [{ from: 'connection' }] },
      ]);
      for (const p of Object.values(c.service.pipelines) as any[])
        expect(p.processors[1]).toBe('k8sattributes');
    }
  });

  it('llmeter in the agent pod sends traces to the gRPC receiver and metrics to the HTTP one', () => {
    for (const overlay of ['dev', 'otlp', 'production']) {
      const objects: K8sObject[] = build(join(KUBERNETES_DIR, 'overlays', overlay));
      const agent = objects.find(
        (o) => o.kind === 'Deployment' && o.metadata.name === 'agent-service',
      )!;
      const env = Object.fromEntries(
        agent.spec.template.spec.containers[0].env
          .filter((e: any) => e.value !== undefined)
          .map((e: any) => [e.name, e.value]),
      );
      const resolved = resolveConfig({}, env);
      const host = `${service.metadata.name}.${service.metadata.namespace}.svc.cluster.local`;
      const traces = new URL(resolved.otlpTracesEndpoint);
      const metrics = new URL(resolved.otlpMetricsEndpoint);
      expect(traces.hostname, overlay).toBe(host);
      expect(metrics.hostname, overlay).toBe(host);
      expect(servicePort(Number(traces.port))?.targetPort, overlay).toBe('otlp-grpc');
      expect(servicePort(Number(metrics.port))?.targetPort, overlay).toBe('otlp-http');
      expect(metrics.pathname).toBe('/v1/metrics');
      expect(resolved.tracesExporter).toEqual(['otlp']);
    }
  });

  it('exporters point at the Helm releases deploy/helm installs', () => {
    const tempo = readYaml<any>(join(HELM_DIR, 'tempo.values.yaml'));
    const stack = readYaml<any>(join(HELM_DIR, 'kube-prometheus-stack.values.yaml'));
    for (const c of [CONFIGS[0]![1], CONFIGS[2]![1]]) {
      expect(c.exporters['otlp/tempo'].endpoint).toBe('tempo.monitoring.svc.cluster.local:4317');
      expect(portOf(tempo.tempo.receivers.otlp.protocols.grpc.endpoint)).toBe(4317);
      expect(c.exporters.prometheusremotewrite.endpoint).toBe(
        'http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090/api/v1/write',
      );
      expect(c.exporters['otlphttp/loki'].endpoint).toBe(
        'http://loki-gateway.monitoring.svc.cluster.local/otlp',
      );
    }
    expect(stack.prometheus.prometheusSpec.enableRemoteWriteReceiver).toBe(true);
  });
});

describe('docker-compose wiring of the collector', () => {
  const compose = readYaml<any>(join(COMPOSE_DIR, 'docker-compose.yaml'));
  const config = CONFIGS[1]![1];

  it('publishes the receivers’ ports and the agent sends to them', () => {
    const published = (compose.services['otel-collector'].ports as string[]).map((p) =>
      p.split(':').map(Number),
    );
    for (const protocol of ['grpc', 'http']) {
      const port = portOf(config.receivers.otlp.protocols[protocol].endpoint);
      expect(published).toContainEqual([port, port]);
    }
    const resolved = resolveConfig({}, compose.services['agent-service'].environment);
    expect(resolved.otlpTracesEndpoint).toBe('http://otel-collector:4317');
    expect(resolved.otlpMetricsEndpoint).toBe('http://otel-collector:4318/v1/metrics');
  });

  it('exports to the compose services on their ports', () => {
    const tempo = readYaml<any>(join(COMPOSE_DIR, 'tempo.yaml'));
    const loki = readYaml<any>(join(COMPOSE_DIR, 'loki.yaml'));
    expect(config.exporters['otlp/tempo'].endpoint).toBe(
      `tempo:${portOf(tempo.distributor.receivers.otlp.protocols.grpc.endpoint)}`,
    );
    expect(config.exporters['otlphttp/loki'].endpoint).toBe(
      `http://loki:${loki.server.http_listen_port}/otlp`,
    );
    expect(config.exporters.prometheusremotewrite.endpoint).toBe(
      'http://prometheus:9090/api/v1/write',
    );
    expect(compose.services.prometheus.command).toContain('--web.enable-remote-write-receiver');
  });
});
