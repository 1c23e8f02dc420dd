/**
 * The Grafana dashboards and the recording rules against a real Prometheus (Debian's 2.42) that
 * scrapes the real example agent service under the demo's traffic, and two fake DCGM exporters:
 *
 *   job agent-service         examples/agent-service as its own process (mock LLM, /metrics with
 *                             OpenMetrics exemplars), sent the demo's burst twice
 *                             (examples/demo/traffic.mjs: agent runs with tools, a failing tool,
 *                             the PII guardrail, streamed chat, an upstream 429, the serving
 *                             route), with one call held in flight; scraped as two "pods"
 *                             (llm/agent-service-0 and -1: pod 1 is a pass-through that swaps the
 *                             GPU UUID, support/agent-traffic.ts), target labels namespace/pod/
 *                             container as a ServiceMonitor attaches them;
 *   job nvidia-dcgm-exporter  honorLabels: true  — GPU-A of agent-service-0 (pod labels kept),
 *                             GPU-E that no DCGM mapping names (agent-service-1 claims it only
 *                             through NVIDIA_VISIBLE_DEVICES -> llmeter_gpu_info{UUID});
 *   job dcgm-exporter         honorLabels: false — GPU-B of agent-service-1 (its labels become
 *                             exported_*), GPU-C unallocated.
 *
 * Every query of every Prometheus panel runs with Grafana's variables substituted (by the values
 * the variable queries return), and must return at least one finite value: a panel that shows
 * "No data" fails the test named after it. Loki and Tempo are not run here: the log panel's
 * fields and the trace links are checked against the service's real log lines and exemplars.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPrometheus, type PrometheusHandle, startPrometheus } from '../support/prometheus';
import { type AgentTraffic, startAgentTraffic } from './support/agent-traffic';
import { type FakeDcgm, startFakeDcgm } from './support/fake-dcgm';
import {
  allPanels,
  BUILTINS,
  interpolate,
  isPrometheus,
  labelValuesToPromQL,
  loadDashboards,
  regexOfAll,
  variableQuery,
} from './support/grafana';
import { COMPOSE_DIR, HELM_DIR, readYaml, ruleFiles } from './support/repo';

const havePrometheus = findPrometheus() !== undefined;
if (!havePrometheus && process.env.CI)
  throw new Error('prometheus is required in CI (.ci/install-system-deps.sh)');

const GPU_A = 'GPU-0f4c9b2e-7a51-4d3b-9e0a-1c2d3e4f5a6b';
const GPU_B = 'GPU-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const GPU_C = 'GPU-2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e';
const GPU_E = 'GPU-3c4d5e6f-7a8b-4c9d-0e1f-2a3b4c5d6e7f';
const AGENT_LABELS = { namespace: 'llm', container: 'agent-service' };

const dashboards = loadDashboards();
let prometheus: PrometheusHandle | undefined;
let traffic: AgentTraffic | undefined;
const exporters: FakeDcgm[] = [];
/** Variable values per dashboard uid, as Grafana would interpolate "All" of a multi-value. */
const variableValues = new Map<string, Record<string, string>>();

async function finiteValues(promql: string, instant: boolean): Promise<number> {
  const now = Date.now() / 1000;
  if (instant) {
    return (await prometheus!.query(promql)).filter((s) => Number.isFinite(s.value)).length;
  }
  const series = await prometheus!.queryRange(promql, now - 60, now, 2);
  return series.flatMap((s) => s.values).filter((v) => Number.isFinite(v.value)).length;
}

beforeAll(async () => {
  if (!havePrometheus) return;
  traffic = await startAgentTraffic({ gpuPod0: GPU_A, gpusPod1: [GPU_B, GPU_E] });
  const honored = await startFakeDcgm([
    {
      uuid: GPU_A,
      gpu: '0',
      hostname: 'node-a',
      workload: { namespace: 'llm', pod: 'agent-service-0', container: 'agent-service' },
      utilPercent: 64,
      fbUsedMiB: 41_000,
      watts: 310,
      grEngineActive: 0.58,
    },
    {
      uuid: GPU_E,
      gpu: '1',
      hostname: 'node-a',
      modelName: 'NVIDIA L4',
      utilPercent: 22,
      fbUsedMiB: 9_000,
      watts: 45,
      grEngineActive: 0.2,
    },
  ]);
  const plain = await startFakeDcgm([
    {
      uuid: GPU_B,
      gpu: '0',
      hostname: 'node-b',
      workload: { namespace: 'llm', pod: 'agent-service-1', container: 'agent-service' },
      utilPercent: 81,
      fbUsedMiB: 70_000,
      watts: 520,
      grEngineActive: 0.77,
    },
    {
      uuid: GPU_C,
      gpu: '1',
      hostname: 'node-b',
      utilPercent: 0,
      fbUsedMiB: 0,
      watts: 60,
      grEngineActive: 0,
    },
  ]);
  exporters.push(honored, plain);
  const exporterLabels = (pod: string) => ({
    namespace: 'gpu-operator',
    pod,
    container: 'nvidia-dcgm-exporter',
  });
  prometheus = await startPrometheus({
    targets: [
      {
        job: 'agent-service',
        url: traffic.pod0Url,
        labels: { ...AGENT_LABELS, pod: 'agent-service-0' },
      },
      {
        job: 'agent-service',
        url: traffic.pod1Url,
        labels: { ...AGENT_LABELS, pod: 'agent-service-1' },
      },
      {
        job: 'nvidia-dcgm-exporter',
        url: honored.url,
        honorLabels: true,
        labels: exporterLabels('nvidia-dcgm-exporter-a'),
      },
      {
        job: 'dcgm-exporter',
        url: plain.url,
        honorLabels: false,
        labels: exporterLabels('nvidia-dcgm-exporter-b'),
      },
    ],
    ruleFiles: ruleFiles(),
    enableExemplars: true,
  });
  await prometheus.waitForTargetsUp(30_000);
  await prometheus.waitForScrapes(1, 30_000);
  // Two bursts with scrapes in between: every counter has moved inside the rate window.
  await traffic.burst();
  await prometheus.waitForScrapes(2, 30_000);
  await traffic.burst();
  await prometheus.waitForScrapes(2, 30_000);
  // The last rule of the chain has been evaluated over the second burst.
  await prometheus.waitForQuery('llmeter:pod_gpu_cost_usd:per_million_tokens', undefined, 20_000);
  await prometheus.waitForQuery('llmeter:slo_latency:ratio_30d', undefined, 20_000);

  for (const dashboard of dashboards) {
    const values: Record<string, string> = { ...BUILTINS };
    for (const variable of dashboard.templating.list) {
      if (variable.type !== 'query') continue;
      const { promql, label } = labelValuesToPromQL(interpolate(variableQuery(variable), values));
      const found = [...new Set((await prometheus.query(promql)).map((s) => s.metric[label]!))]
        .filter(Boolean)
        .sort();
      values[variable.name] = found.length > 0 ? regexOfAll(found) : '__no_value__';
    }
    variableValues.set(dashboard.uid, values);
  }
}, 120_000);

afterAll(async () => {
  await prometheus?.close();
  await traffic?.close();
  await Promise.all(exporters.map((e) => e.close()));
});

describe.skipIf(!havePrometheus)('Grafana dashboards against a real Prometheus', () => {
  it('counts a query that matches no series as no data (the panel checks below can fail)', async () => {
    const nothing = 'gen_ai_client_operation_duration_seconds_count{namespace="no-such-namespace"}';
    expect(await finiteValues(nothing, true)).toBe(0);
    expect(await finiteValues(`sum(rate(${nothing}[1m]))`, false)).toBe(0);
  });

  describe.each(dashboards.map((d) => [d.title, d] as const))('%s', (_title, dashboard) => {
    it('every template variable query returns values', () => {
      const values = variableValues.get(dashboard.uid)!;
      const empty = dashboard.templating.list
        .filter((v) => v.type === 'query' && values[v.name] === '__no_value__')
        .map((v) => `$${v.name}: ${variableQuery(v)}`);
      expect(empty, `variables without values in ${dashboard.file}`).toEqual([]);
    });

    const prometheusPanels = allPanels(dashboard).filter((p) =>
      (p.targets ?? []).some((t) => isPrometheus(t.datasource ?? p.datasource)),
    );
    it.each(prometheusPanels.map((p) => [p.title, p] as const))(
      'panel "%s" returns data',
      async (title, panel) => {
        const values = variableValues.get(dashboard.uid)!;
        for (const target of panel.targets ?? []) {
          const promql = interpolate(target.expr, values);
          expect(promql, `uninterpolated variable in "${title}"`).not.toMatch(/\$\{?\w/);
          const finite = await finiteValues(promql, target.instant === true);
          expect(
            finite,
            `panel "${title}" (${dashboard.file}, query ${target.refId}) returned no data:\n${promql}`,
          ).toBeGreaterThan(0);
        }
      },
    );
  });
});

describe.skipIf(!havePrometheus)('recording rules over real traffic', () => {
  const records = [
    ...new Set(
      ruleFiles().flatMap((file) =>
        readYaml<{ groups: Array<{ rules: Array<{ record?: string }> }> }>(file).groups.flatMap(
          (g) => g.rules.flatMap((r) => (r.record ? [r.record] : [])),
        ),
      ),
    ),
  ];
  it.each(records)('%s has output', async (record) => {
    const samples = await prometheus!.query(record);
    expect(
      samples.filter((s) => Number.isFinite(s.value)).length,
      `${record} has no finite sample`,
    ).toBeGreaterThan(0);
  });

  it('the DCGM series really arrived in both label variants', async () => {
    // honorLabels: false renamed the workload's labels; true kept them.
    const plain = await prometheus!.query(`DCGM_FI_DEV_GPU_UTIL{UUID="${GPU_B}"}`);
    expect(plain[0]!.metric).toMatchObject({
      exported_pod: 'agent-service-1',
      exported_namespace: 'llm',
      pod: 'nvidia-dcgm-exporter-b',
      namespace: 'gpu-operator',
    });
    const honored = await prometheus!.query(`DCGM_FI_DEV_GPU_UTIL{UUID="${GPU_A}"}`);
    expect(honored[0]!.metric).toMatchObject({ pod: 'agent-service-0', namespace: 'llm' });
    expect(honored[0]!.metric.exported_pod).toBeUndefined();
  });

  it('normalised DCGM series carry the workload pod whatever honorLabels was', async () => {
    const util = await prometheus!.query('llmeter:dcgm_gpu_utilization:percent');
    const byUuid = Object.fromEntries(util.map((s) => [s.metric.UUID, s]));
    expect(byUuid[GPU_A]!.metric).toMatchObject({ namespace: 'llm', pod: 'agent-service-0' });
    expect(byUuid[GPU_B]!.metric).toMatchObject({
      namespace: 'llm',
      pod: 'agent-service-1',
      container: 'agent-service',
    });
    expect(byUuid[GPU_B]!.value).toBe(81);
    for (const s of util)
      expect(Object.keys(s.metric).filter((k) => k.startsWith('exported_'))).toEqual([]);
  });

  it('pods map to their GPUs through DCGM pod labels and through llmeter_gpu_info UUIDs', async () => {
    const info = await prometheus!.query('llmeter:pod_gpu:info{namespace="llm"}');
    const pairs = info.map((s) => `${s.metric.pod} ${s.metric.UUID}`).sort();
    expect(pairs).toEqual(
      [`agent-service-0 ${GPU_A}`, `agent-service-1 ${GPU_B}`, `agent-service-1 ${GPU_E}`].sort(),
    );
    const count = await prometheus!.query('llmeter:pod_gpus:count{namespace="llm"}');
    expect(Object.fromEntries(count.map((s) => [s.metric.pod, s.value]))).toEqual({
      'agent-service-0': 1,
      'agent-service-1': 2,
    });
    // Two GPUs: (81 + 22) / 2
    const util = await prometheus!.query(
      'llmeter:pod_gpu_utilization:avg_percent{pod="agent-service-1"}',
    );
    expect(util[0]!.value).toBeCloseTo(51.5, 6);
  });

  it('tokens per joule and per GPU-second divide the same tokens by the pod’s GPUs', async () => {
    const [tokens, perGpu, power, perJoule] = await Promise.all(
      [
        'sum by (pod) (llmeter:pod_tokens:rate5m{namespace="llm"})',
        'sum by (pod) (llmeter:pod_tokens_per_gpu_second:ratio_rate5m{namespace="llm"})',
        'llmeter:pod_gpu_power:watts_rate5m{namespace="llm"}',
        'sum by (pod) (llmeter:pod_tokens_per_joule:ratio_rate5m{namespace="llm"})',
      ].map((q) => prometheus!.query(q)),
    );
    const by = (samples: typeof tokens) =>
      Object.fromEntries(samples!.map((s) => [s.metric.pod, s.value]));
    const t = by(tokens);
    expect(Object.keys(t).sort()).toEqual(['agent-service-0', 'agent-service-1']);
    expect(by(perGpu)['agent-service-1']).toBeCloseTo(t['agent-service-1']! / 2, 6);
    expect(by(perGpu)['agent-service-0']).toBeCloseTo(t['agent-service-0']!, 6);
    const watts = by(power);
    for (const pod of Object.keys(t)) {
      expect(by(perJoule)[pod]).toBeCloseTo(t[pod]! / watts[pod]!, 6);
    }
  });
});

describe.skipIf(!havePrometheus)('trace links', () => {
  it('latency panels ask for exemplars, and llmeter exemplars carry trace_id', async () => {
    const overview = dashboards.find((d) => d.uid === 'llmeter-overview')!;
    const withExemplars = allPanels(overview).filter((p) =>
      (p.targets ?? []).some((t) => t.exemplar === true),
    );
    expect(withExemplars.map((p) => p.title)).toEqual(
      expect.arrayContaining(['Operation duration', 'Time to first chunk']),
    );
    const now = Date.now() / 1000;
    const series = await prometheus!.exemplars(
      'gen_ai_client_operation_duration_seconds_bucket{namespace="llm"}',
      now - 300,
      now,
    );
    const traceIds = series.flatMap((s) => s.exemplars.map((e) => e.labels.trace_id));
    expect(traceIds.length).toBeGreaterThan(0);
    for (const id of traceIds) expect(id).toMatch(/^[0-9a-f]{32}$/);
    // Both Grafana set-ups send the exemplar label trace_id to the Tempo data source.
    for (const destinations of exemplarDestinations()) {
      expect(destinations).toContainEqual(
        expect.objectContaining({ name: 'trace_id', datasourceUid: 'tempo' }),
      );
    }
  });

  it('the Loki derived field finds the trace_id of llmeter log lines and links to Tempo', () => {
    const lines = traffic!.logLines().filter((l) => l.includes('"llm_call_completed"'));
    expect(lines.length).toBeGreaterThan(0);
    const overview = dashboards.find((d) => d.uid === 'llmeter-overview')!;
    const logsPanel = allPanels(overview).find((p) => p.type === 'logs')!;
    expect(logsPanel.datasource).toEqual({ type: 'loki', uid: '$' + '{loki}' });
    const logql = logsPanel.targets![0]!.expr;
    // The fields the query filters on exist in the real lines.
    for (const line of lines) expect(JSON.parse(line).event).toBe('llm_call_completed');
    expect(logql).toContain('| json');
    for (const fields of derivedFields()) {
      const field = fields.find((f) => f.datasourceUid === 'tempo');
      expect(field, 'a derived field linking to the Tempo data source').toBeDefined();
      const regex = new RegExp(field!.matcherRegex);
      for (const line of lines) {
        const match = regex.exec(line);
        expect(match?.[1], `derived field ${field!.matcherRegex} on ${line}`).toBe(
          JSON.parse(line).trace_id,
        );
      }
      // `$$` is how Grafana provisioning files write a literal `$`.
      expect(field!.url).toBe('$$' + '{__value.raw}');
    }
  });
});

describe.skipIf(!havePrometheus)('prometheus-adapter rules for the HorizontalPodAutoscaler', () => {
  interface AdapterRule {
    seriesQuery: string;
    name: { matches: string; as: string };
    resources: { overrides: Record<string, { resource: string }> };
    metricsQuery: string;
  }
  const rules = readYaml<{ rules: { custom: AdapterRule[] } }>(
    join(HELM_DIR, 'prometheus-adapter.values.yaml'),
  ).rules.custom;

  it.each(rules.map((r) => [r.name.as, r] as const))(
    'custom metric %s resolves per pod',
    async (_name, rule) => {
      const series = await prometheus!.query(rule.seriesQuery);
      expect(series.length, rule.seriesQuery).toBeGreaterThan(0);
      const names = [...new Set(series.map((s) => s.metric.__name__!))].filter((n) =>
        new RegExp(rule.name.matches).test(n),
      );
      expect(names.length).toBe(1);
      expect(Object.values(rule.resources.overrides).map((o) => o.resource)).toEqual(
        expect.arrayContaining(['namespace', 'pod']),
      );
      // What the adapter sends for `kubectl get --raw .../pods/*/<metric>` in namespace llm.
      const query = rule.metricsQuery
        .replaceAll('<<.Series>>', names[0]!)
        .replaceAll('<<.LabelMatchers>>', 'namespace="llm",pod=~"agent-service-0|agent-service-1"')
        .replaceAll('<<.GroupBy>>', 'pod');
      const result = await prometheus!.query(query);
      expect(result.map((s) => s.metric.pod).sort()).toEqual([
        'agent-service-0',
        'agent-service-1',
      ]);
      for (const s of result) expect(Number.isFinite(s.value)).toBe(true);
    },
  );

  it('in-flight calls are counted (one call is held open)', async () => {
    const rule = rules.find((r) => r.name.as === 'llmeter_client_active_requests')!;
    const query = rule.metricsQuery
      .replaceAll('<<.Series>>', 'llmeter_client_active_requests')
      .replaceAll('<<.LabelMatchers>>', 'namespace="llm",pod="agent-service-0"')
      .replaceAll('<<.GroupBy>>', 'pod');
    expect((await prometheus!.query(query))[0]!.value).toBe(1);
  });
});

interface DerivedField {
  name: string;
  matcherRegex: string;
  url: string;
  datasourceUid: string;
}

/** Grafana data sources: the compose provisioning file and kube-prometheus-stack's values. */
function datasources(): Array<{ uid: string; type: string; jsonData?: any }> {
  const compose = readYaml<{ datasources: any[] }>(
    join(COMPOSE_DIR, 'grafana', 'provisioning', 'datasources', 'datasources.yaml'),
  ).datasources;
  const helm = readYaml<any>(join(HELM_DIR, 'kube-prometheus-stack.values.yaml')).grafana;
  return [...compose, ...helm.additionalDataSources];
}

function derivedFields(): DerivedField[][] {
  return datasources()
    .filter((d) => d.type === 'loki')
    .map((d) => d.jsonData.derivedFields as DerivedField[]);
}

function exemplarDestinations(): Array<Array<{ name: string; datasourceUid: string }>> {
  const compose = datasources().filter((d) => d.type === 'prometheus');
  const helm = readYaml<any>(join(HELM_DIR, 'kube-prometheus-stack.values.yaml')).grafana.sidecar
    .datasources.exemplarTraceIdDestinations;
  return [
    ...compose.map((d) => d.jsonData.exemplarTraceIdDestinations),
    [{ name: helm.traceIdLabelName, datasourceUid: helm.datasourceUid }],
  ];
}
