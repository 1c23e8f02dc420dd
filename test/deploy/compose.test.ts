/**
 * deploy/compose, without Docker (none runs here): the compose file's services, build context,
 * mounts and ports are consistent; Prometheus' configuration passes `promtool check config` with
 * the rule files it mounts; Grafana's provisioned data sources and dashboards match what the
 * dashboards reference; the log path (Docker fluentd driver -> Fluent Bit -> Loki) lines up;
 * the load generator's script parses and calls routes the example service has.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { resolveConfig } from '@llmeter/core/internal';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { findPromtool, promtool } from '../support/prometheus';
import { allPanels, loadDashboards } from './support/grafana';
import { COMPOSE_DIR, DASHBOARDS_DIR, ROOT, readYaml, ruleFiles } from './support/repo';

const compose = readYaml<any>(join(COMPOSE_DIR, 'docker-compose.yaml'));
const services: Record<string, any> = compose.services;
const havePromtool = findPromtool() !== undefined;
const scratch = mkdtempSync(join(tmpdir(), 'llmeter-compose-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Bind mounts of a service: host path (absolute) -> container path. */
function mounts(service: string): Array<{ host: string; container: string }> {
  return ((services[service].volumes ?? []) as string[])
    .map((v) => v.split(':'))
    .filter(([source]) => source!.startsWith('.') || source!.startsWith('/'))
    .map(([source, target]) => ({ host: resolve(COMPOSE_DIR, source!), container: target! }));
}

/** The host path a container path of `service` comes from. */
function hostPath(service: string, containerPath: string): string | undefined {
  for (const m of mounts(service)) {
    if (containerPath === m.container) return m.host;
    if (containerPath.startsWith(`${m.container}/`))
      return m.host + containerPath.slice(m.container.length);
  }
  return undefined;
}

describe('docker-compose.yaml', () => {
  it('runs the whole laptop stack', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'agent-service',
        'fluent-bit',
        'grafana',
        'loadgen',
        'loki',
        'otel-collector',
        'prometheus',
        'tempo',
      ].sort(),
    );
    for (const [name, service] of Object.entries(services)) {
      if (name === 'agent-service') continue;
      expect(service.image, name).toMatch(/^[\w./-]+:[\w.-]+$/);
      expect(service.image).not.toMatch(/:latest$/);
    }
  });

  it('builds the example service from the workspace root with its Dockerfile', () => {
    const build = services['agent-service'].build;
    const context = resolve(COMPOSE_DIR, build.context);
    // The Dockerfile installs the workspace's @llmeter/* packages: the context is the root.
    expect(context).toBe(ROOT);
    expect(existsSync(join(context, 'pnpm-workspace.yaml'))).toBe(true);
    expect(build.dockerfile).toBe('examples/agent-service/Dockerfile');
    expect(existsSync(join(context, 'examples', 'agent-service', 'package.json'))).toBe(true);
    const dockerfile = join(context, build.dockerfile);
    if (existsSync(dockerfile)) {
      expect(readFileSync(dockerfile, 'utf8')).toMatch(/^EXPOSE 3000$/m);
    }
    expect(services['agent-service'].ports).toContain('3000:3000');
    expect(services['agent-service'].environment.PORT).toBe('3000');
  });

  it('mounts only files and directories that exist', () => {
    for (const name of Object.keys(services)) {
      for (const m of mounts(name)) expect(existsSync(m.host), `${name}: ${m.host}`).toBe(true);
    }
  });

  it('scrapes the agent’s /metrics and pushes no OTLP metrics: one metric path', () => {
    const env = services['agent-service'].environment;
    expect(resolveConfig({}, env).metricsExporter).toEqual(['prometheus']);
    const prometheus = readYaml<any>(join(COMPOSE_DIR, 'prometheus.yaml'));
    const job = prometheus.scrape_configs.find((j: any) => j.job_name === 'agent-service');
    expect(job.metrics_path ?? '/metrics').toBe('/metrics');
    expect(job.static_configs[0].targets).toEqual(['agent-service:3000']);
    // The labels a ServiceMonitor would attach, matching the resource the OTLP path would carry.
    const attrs = Object.fromEntries(
      (env.OTEL_RESOURCE_ATTRIBUTES as string).split(',').map((kv) => kv.split('=')),
    );
    expect(job.static_configs[0].labels).toEqual({
      namespace: attrs['k8s.namespace.name'],
      pod: attrs['k8s.pod.name'],
      container: attrs['k8s.container.name'],
    });
  });

  it.skipIf(!havePromtool)(
    'Prometheus’ configuration passes promtool check config with llmeter’s rules',
    async () => {
      const config = readYaml<any>(join(COMPOSE_DIR, 'prometheus.yaml'));
      // Translate the in-container rule paths to the host files they are mounted from.
      const globs: string[] = config.rule_files.map((p: string) => hostPath('prometheus', p));
      for (const g of globs) expect(g, 'rule_files must come from a mount').toBeDefined();
      const matched = globs.flatMap((g) => {
        const dir = g.slice(0, g.lastIndexOf('/'));
        const pattern = new RegExp(`^${basename(g).replaceAll('.', '\\.').replaceAll('*', '.*')}$`);
        return readdirSync(dir)
          .filter((n) => pattern.test(n))
          .map((n) => join(dir, n));
      });
      expect(matched.sort()).toEqual(ruleFiles().sort());
      const file = join(scratch, 'prometheus.yaml');
      writeFileSync(file, stringify({ ...config, rule_files: matched }));
      const result = await promtool(['check', 'config', file]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(services.prometheus.command).toContain('--enable-feature=exemplar-storage');
      expect(services.prometheus.command).toContain('--storage.tsdb.retention.time=30d');
    },
  );
});

describe('Grafana provisioning', () => {
  const datasources = readYaml<any>(
    join(COMPOSE_DIR, 'grafana', 'provisioning', 'datasources', 'datasources.yaml'),
  ).datasources as any[];
  const provider = readYaml<any>(
    join(COMPOSE_DIR, 'grafana', 'provisioning', 'dashboards', 'llmeter.yaml'),
  ).providers[0];

  it('loads the dashboards from deploy/grafana/dashboards', () => {
    expect(hostPath('grafana', provider.options.path)).toBe(DASHBOARDS_DIR);
    expect(hostPath('grafana', '/etc/grafana/provisioning')).toBe(
      join(COMPOSE_DIR, 'grafana', 'provisioning'),
    );
  });

  it('provides every data source type the dashboards ask for, with the shared uids', () => {
    expect(datasources.map((d) => [d.type, d.uid]).sort()).toEqual(
      [
        ['loki', 'loki'],
        ['prometheus', 'prometheus'],
        ['tempo', 'tempo'],
      ].sort(),
    );
    const types = new Set(datasources.map((d) => d.type));
    for (const dashboard of loadDashboards()) {
      for (const v of dashboard.templating.list.filter((x) => x.type === 'datasource')) {
        expect(types, `${dashboard.file}: $${v.name}`).toContain(v.query);
      }
      for (const panel of allPanels(dashboard)) {
        for (const ds of [panel.datasource, ...(panel.targets ?? []).map((t) => t.datasource)]) {
          // Panels go through the data source variables, never a hard-coded uid.
          expect(ds?.uid, `${dashboard.file}: ${panel.title}`).toMatch(/^\$\{(datasource|loki)\}$/);
        }
      }
    }
  });

  it('points the data sources at the compose services', () => {
    const url = (type: string) => new URL(datasources.find((d) => d.type === type).url);
    const loki = readYaml<any>(join(COMPOSE_DIR, 'loki.yaml'));
    const tempo = readYaml<any>(join(COMPOSE_DIR, 'tempo.yaml'));
    expect(url('prometheus').host).toBe('prometheus:9090');
    expect(url('loki').host).toBe(`loki:${loki.server.http_listen_port}`);
    expect(url('tempo').host).toBe(`tempo:${tempo.server.http_listen_port}`);
    for (const d of datasources) {
      for (const key of ['tracesToLogsV2', 'serviceMap', 'lokiSearch']) {
        const uid = d.jsonData?.[key]?.datasourceUid;
        if (uid) expect(datasources.map((x) => x.uid)).toContain(uid);
      }
    }
  });
});

describe('logs and demo traffic', () => {
  it('the agent’s stdout goes through Docker’s fluentd driver to Fluent Bit and on to Loki', () => {
    const logging = services['agent-service'].logging;
    expect(logging.driver).toBe('fluentd');
    const fluentBit = readYaml<any>(join(COMPOSE_DIR, 'fluent-bit.yaml'));
    const forward = fluentBit.pipeline.inputs.find((i: any) => i.name === 'forward');
    expect(logging.options['fluentd-address']).toBe(`localhost:${forward.port}`);
    expect(services['fluent-bit'].ports).toContain(`${forward.port}:${forward.port}`);
    const loki = fluentBit.pipeline.outputs.find((o: any) => o.name === 'loki');
    expect(`${loki.host}:${loki.port}`).toBe(
      `loki:${readYaml<any>(join(COMPOSE_DIR, 'loki.yaml')).server.http_listen_port}`,
    );
    // The line stays llmeter's JSON (the Loki derived field parses trace_id out of it), and the
    // log panel's `namespace` label is set.
    expect(loki.drop_single_key).toBe('raw');
    expect(loki.labels).toMatch(/namespace=compose/);
  });

  it('the load generator script parses and calls routes the example service has', () => {
    const script = join(ROOT, 'deploy', 'kubernetes', 'components', 'loadgen', 'loadgen.sh');
    expect(hostPath('loadgen', '/loadgen.sh')).toBe(script);
    execFileSync('sh', ['-n', script]);
    const app = join(ROOT, 'examples', 'agent-service', 'src', 'app.mjs');
    if (!existsSync(app)) return; // written alongside; checked once it is there
    const source = readFileSync(app, 'utf8');
    const routes = [...readFileSync(script, 'utf8').matchAll(/"\$TARGET(\/[\w/.-]+)"/g)].map(
      (m) => m[1]!,
    );
    expect(routes.length).toBeGreaterThan(0);
    for (const route of new Set(routes)) expect(source, route).toContain(`app.post('${route}'`);
  });
});
