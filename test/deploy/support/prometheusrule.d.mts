export const RULES_DIR: string;
export const PROMETHEUS_RULE_FILE: string;
/** The text deploy/prometheus/prometheusrule.yaml must have. */
export function renderPrometheusRule(): string;
