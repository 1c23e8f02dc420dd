// llmeter starts here, before anything that calls a model is imported.
//
// Configuration is the standard OTEL_* / LLMETER_* environment. One example
// default: with no OTLP endpoint configured there is nowhere to export to, so
// traces are not exported and metrics are served on /metrics only (instead of
// retrying a collector on localhost:4317/4318 that is not there). Set
// OTEL_EXPORTER_OTLP_ENDPOINT (e.g. http://otel-collector:4317) to export both.
import { init } from '@llmeter/core';

const env = process.env;
if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) {
  if (!env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) env.OTEL_TRACES_EXPORTER ??= 'none';
  if (!env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT) env.OTEL_METRICS_EXPORTER ??= 'prometheus';
}
if (!env.OTEL_SERVICE_NAME && !/(^|,)\s*service\.name=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? ''))
  env.OTEL_SERVICE_NAME = 'agent-service';

export const llmeter = init({
  serviceVersion: '0.1.0',
  // server.mjs drains requests and then flushes on SIGTERM itself.
  handleSignals: false,
});
