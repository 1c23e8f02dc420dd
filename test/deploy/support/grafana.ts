/**
 * Grafana dashboard JSON as the tests need it: every panel (rows' nested panels included), every
 * query target, the template variables, and Grafana's variable interpolation reduced to what
 * our dashboards use ($__rate_interval, $__interval, $__range, $var, ${var}, [[var]]).
 */
import { basename } from 'node:path';
import { DASHBOARDS_DIR, listFiles, readJson } from './repo';

export interface Target {
  refId: string;
  expr: string;
  datasource?: { type?: string; uid?: string };
  exemplar?: boolean;
  instant?: boolean;
  range?: boolean;
  legendFormat?: string;
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
  gridPos?: { h: number; w: number; x: number; y: number };
  fieldConfig?: unknown;
}

export interface Variable {
  type: string;
  name: string;
  query: string | { query: string };
  definition?: string;
  datasource?: { type?: string; uid?: string };
  includeAll?: boolean;
  multi?: boolean;
  allValue?: string;
}

export interface Dashboard {
  file: string;
  uid: string;
  title: string;
  tags: string[];
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
}

export function loadDashboards(): Dashboard[] {
  return listFiles(DASHBOARDS_DIR, (n) => n.endsWith('.json')).map((path) => ({
    ...readJson<Omit<Dashboard, 'file'>>(path),
    file: basename(path),
  }));
}

/** Every panel, rows' collapsed children included (rows themselves excluded). */
export function allPanels(dashboard: { panels: Panel[] }): Panel[] {
  const out: Panel[] = [];
  for (const panel of dashboard.panels) {
    if (panel.type === 'row') out.push(...(panel.panels ?? []));
    else out.push(panel);
  }
  return out;
}

/** Panels whose queries go to the Prometheus data source variable. */
export const isPrometheus = (ds: { type?: string; uid?: string } | undefined): boolean =>
  ds?.type === 'prometheus';

export function variableQuery(variable: Variable): string {
  return typeof variable.query === 'string' ? variable.query : variable.query.query;
}

/**
 * `label_values(selector, label)` as the PromQL query whose result carries the same values:
 * `group by (label) (selector)`.
 */
export function labelValuesToPromQL(query: string): { promql: string; label: string } {
  const match = /^\s*label_values\(\s*(.+)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/s.exec(query);
  if (!match) throw new Error(`unsupported variable query: ${query}`);
  return { promql: `group by (${match[2]}) (${match[1]})`, label: match[2]! };
}

export const BUILTINS: Record<string, string> = {
  __rate_interval: '1m',
  __interval: '15s',
  __range: '5m',
};

/** Grafana's interpolation of `$name`, `${name}` and `[[name]]` (longest names first). */
export function interpolate(text: string, values: Record<string, string>): string {
  return text.replace(
    /\$\{([a-zA-Z0-9_]+)(?::[a-z]+)?\}|\[\[([a-zA-Z0-9_]+)\]\]|\$([a-zA-Z0-9_]+)/g,
    (whole, a, b, c) => {
      const name = (a ?? b ?? c) as string;
      return name in values ? values[name]! : whole;
    },
  );
}

/** Multi-value selection of every value, the way Grafana writes it into a regex matcher. */
export function regexOfAll(values: string[]): string {
  const escaped = values.map((v) => v.replace(/[\\^$.*+?()[\]{}|]/g, '\\\\$&'));
  return escaped.length === 1 ? escaped[0]! : `(${escaped.join('|')})`;
}
