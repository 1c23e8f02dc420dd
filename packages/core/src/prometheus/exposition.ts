import type { MetricObjectWithValues, MetricValue, Registry } from 'prom-client';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE =
  'application/openmetrics-text; version=1.0.0; charset=utf-8';

type Sample = MetricValue<string> & {
  metricName?: string;
  exemplar?: { labelSet: Record<string, string>; value: number; timestamp: number } | null;
};

/**
 * Renders registries in the Prometheus text format or in OpenMetrics (with
 * exemplars). prom-client fixes one format per registry and renames counters
 * in place when rendering OpenMetrics, so one registry cannot serve both;
 * rendering from its JSON view keeps a single set of metrics for both formats.
 */
export async function renderMetrics(registries: Registry[], openMetrics: boolean): Promise<string> {
  const seen = new Set<string>();
  const families: string[] = [];
  for (const registry of registries) {
    for (const metric of (await registry.getMetricsAsJSON()) as MetricObjectWithValues<Sample>[]) {
      if (seen.has(metric.name)) continue;
      seen.add(metric.name);
      families.push(openMetrics ? openMetricsFamily(metric) : prometheusFamily(metric));
    }
  }
  return openMetrics ? `${families.join('')}# EOF\n` : families.join('');
}

function prometheusFamily(metric: MetricObjectWithValues<Sample>): string {
  const type = String(metric.type);
  const name = type === 'counter' ? withTotal(metric.name) : metric.name;
  let out = `# HELP ${name} ${escapeHelp(metric.help)}\n# TYPE ${name} ${type}\n`;
  for (const sample of metric.values) {
    const sampleName = type === 'counter' ? name : (sample.metricName ?? name);
    out += `${sampleName}${labels(sample.labels)} ${number(sample.value)}\n`;
  }
  return out;
}

function openMetricsFamily(metric: MetricObjectWithValues<Sample>): string {
  const counter = String(metric.type) === 'counter';
  const family = counter ? metric.name.replace(/_total$/, '') : metric.name;
  const type = String(metric.type) === 'untyped' ? 'unknown' : String(metric.type);
  let out = `# TYPE ${family} ${type}\n# HELP ${family} ${escapeHelp(metric.help)}\n`;
  for (const sample of metric.values) {
    const sampleName = counter ? `${family}_total` : (sample.metricName ?? family);
    out += `${sampleName}${labels(sample.labels)} ${number(sample.value)}`;
    const ex = sample.exemplar;
    if (ex?.labelSet && Object.keys(ex.labelSet).length > 0) {
      out += ` # ${labels(ex.labelSet)} ${number(ex.value)} ${ex.timestamp.toFixed(3)}`;
    }
    out += '\n';
  }
  return out;
}

function withTotal(name: string): string {
  return name.endsWith('_total') ? name : `${name}_total`;
}

function labels(set: Record<string, unknown> | undefined): string {
  if (!set) return '';
  const parts: string[] = [];
  for (const key in set) {
    const value = set[key];
    if (value === undefined) continue;
    parts.push(`${key}="${escapeLabel(String(value))}"`);
  }
  return parts.length ? `{${parts.join(',')}}` : '';
}

function number(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return Number.isNaN(value) ? 'NaN' : String(value);
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Picks the format a scraper asked for in its Accept header. */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  return typeof accept === 'string' && accept.includes('application/openmetrics-text');
}
