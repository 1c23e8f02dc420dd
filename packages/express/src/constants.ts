/**
 * Every attribute, metric and label name this package emits. HTTP names follow
 * the OpenTelemetry HTTP semantic conventions (stable); GenAI names come from
 * `@llmeter/core`'s constants.
 */

export const INSTRUMENTATION_SCOPE = '@llmeter/express';
/** This package's version, reported as `ExpressInstrumentation`'s version. */
export const PACKAGE_VERSION = '0.1.0';
/** The `express` releases `ExpressInstrumentation` patches (the peer dependency range). */
export const SUPPORTED_VERSIONS = ['>=4 <6'];
/** Marks an `express.application.init` wrapped by `ExpressInstrumentation`; the value is the original. */
export const WRAPPED_INIT = Symbol.for('llmeter.express.wrappedInit');

/** HTTP server span attribute keys (semconv, stable). */
export const HTTP_ATTR = {
  REQUEST_METHOD: 'http.request.method',
  REQUEST_METHOD_ORIGINAL: 'http.request.method_original',
  RESPONSE_STATUS_CODE: 'http.response.status_code',
  ROUTE: 'http.route',
  URL_PATH: 'url.path',
  URL_SCHEME: 'url.scheme',
  ERROR_TYPE: 'error.type',
  /** llmeter's own: the client went away before the response was finished. */
  LLMETER_REQUEST_ABORTED: 'llmeter.request.aborted',
} as const;

/** Methods semconv knows; anything else is reported as `_OTHER` (bounded span names). */
export const KNOWN_HTTP_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'TRACE',
  'QUERY',
]);
export const OTHER_METHOD = '_OTHER';

/** `error.type` of served requests the client abandoned before the response was complete. */
export const ERROR_TYPE_ABORTED = 'aborted';

/**
 * GPU sampler instruments. OTLP names and units are chosen so that the
 * collector's Prometheus translation yields exactly the /metrics names
 * (unit `1` on a gauge → `_ratio`, `By` → `_bytes`, `W` → `_watts`).
 */
export const GPU_METRIC = {
  UTILIZATION: 'llmeter.gpu.utilization',
  MEMORY_USED: 'llmeter.gpu.memory.used',
  MEMORY_TOTAL: 'llmeter.gpu.memory.total',
  POWER: 'llmeter.gpu.power',
} as const;

export const GPU_PROM_METRIC = {
  UTILIZATION: 'llmeter_gpu_utilization_ratio',
  MEMORY_USED: 'llmeter_gpu_memory_used_bytes',
  MEMORY_TOTAL: 'llmeter_gpu_memory_total_bytes',
  POWER: 'llmeter_gpu_power_watts',
} as const;

export const GPU_UNIT = { RATIO: '1', BYTES: 'By', WATTS: 'W' } as const;

/**
 * GPU labels, spelled as DCGM exporter spells them so PromQL can join on
 * `UUID` (and `gpu`, `modelName`) without label_replace.
 */
export const GPU_LABEL = { UUID: 'UUID', INDEX: 'gpu', MODEL_NAME: 'modelName' } as const;

/** The one nvidia-smi query the sampler runs (fields in this order). */
export const NVIDIA_SMI_ARGS = [
  '--query-gpu=uuid,index,name,utilization.gpu,memory.used,memory.total,power.draw',
  '--format=csv,noheader,nounits',
] as const;

export const GPU_SAMPLER_DEFAULTS = {
  INTERVAL_MS: 15_000,
  TIMEOUT_MS: 5_000,
  NVIDIA_SMI: 'nvidia-smi',
} as const;

/** Bytes of a served response observed at most (beyond: timings only, no body parsing). */
export const MAX_OBSERVED_BODY_CHARS = 4 * 1024 * 1024;
/** Longest SSE event kept while waiting for its end (beyond: parsing stops). */
export const MAX_PENDING_EVENT_CHARS = 1024 * 1024;
/** Cap on time-per-output-token observations from one request (one per output token). */
export const MAX_TOKEN_OBSERVATIONS = 65_536;
