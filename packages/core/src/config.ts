import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';
import { ENV, SEMCONV_LATEST_OPT_IN } from './constants';
import { type Env, envBoolean, envKeyValues, envList, envNumber, envString, pick } from './env';
import { warnOnce } from './internal-log';
import type {
  InternalLogLevel,
  LLMeterOptions,
  MetricsExporterName,
  SemconvMode,
  Temporality,
  TracesExporterName,
} from './types';

/** Every setting after option > env > default, computed once in init(). */
export interface ResolvedConfig {
  disabled: boolean;
  tracesExporter: TracesExporterName[];
  metricsExporter: MetricsExporterName[];
  otlpTracesEndpoint: string;
  otlpMetricsEndpoint: string;
  otlpTracesHeaders: Record<string, string>;
  otlpMetricsHeaders: Record<string, string>;
  otlpTracesTimeoutMs: number;
  otlpMetricsTimeoutMs: number;
  metricsTemporality: Temporality;
  metricExportIntervalMs: number;
  sampler: Sampler;
  semconv: SemconvMode;
  captureContent: boolean;
  maxContentLength: number;
  pricesFile: string | undefined;
  metricsPort: number | undefined;
  metricsHost: string;
  metricsToken: string | undefined;
  pushgatewayUrl: string | undefined;
  streamIncludeUsage: boolean;
  internalLogLevel: InternalLogLevel;
  shutdownTimeoutMs: number;
  /** Most series (attribute sets) per metric, the overflow series included. */
  cardinalityLimit: number;
  logBufferBytes: number;
}

const TRACES_EXPORTERS: readonly string[] = ['otlp', 'console', 'none'];
const METRICS_EXPORTERS: readonly string[] = ['otlp', 'prometheus', 'console', 'none'];
const TEMPORALITIES: readonly string[] = ['delta', 'cumulative', 'lowmemory'];
const LOG_LEVELS: readonly string[] = [
  'silent',
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
];

const DEFAULT_GRPC_PORT = '4317';
const DEFAULT_HTTP_PORT = '4318';

export function resolveConfig(options: LLMeterOptions, env: Env = process.env): ResolvedConfig {
  const genericEndpoint = envString(env, ENV.OTEL_EXPORTER_OTLP_ENDPOINT);
  const genericHeaders = envKeyValues(env, ENV.OTEL_EXPORTER_OTLP_HEADERS) ?? {};
  const genericTimeout = envNumber(env, ENV.OTEL_EXPORTER_OTLP_TIMEOUT, (n) => n > 0);

  return {
    disabled: pick(options.disabled, envBoolean(env, ENV.OTEL_SDK_DISABLED)) ?? false,
    tracesExporter: exporterList(
      'tracesExporter',
      options.tracesExporter,
      envList(env, ENV.OTEL_TRACES_EXPORTER),
      TRACES_EXPORTERS,
      ['otlp'],
    ) as TracesExporterName[],
    metricsExporter: exporterList(
      'metricsExporter',
      options.metricsExporter,
      envList(env, ENV.OTEL_METRICS_EXPORTER),
      METRICS_EXPORTERS,
      ['otlp', 'prometheus'],
    ) as MetricsExporterName[],
    otlpTracesEndpoint:
      pick(
        options.otlpTracesEndpoint,
        envString(env, ENV.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT),
        genericEndpoint && withPort(genericEndpoint, DEFAULT_HTTP_PORT, DEFAULT_GRPC_PORT),
      ) ?? `http://localhost:${DEFAULT_GRPC_PORT}`,
    otlpMetricsEndpoint:
      pick(
        options.otlpMetricsEndpoint,
        envString(env, ENV.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT),
        genericEndpoint &&
          appendPath(withPort(genericEndpoint, DEFAULT_GRPC_PORT, DEFAULT_HTTP_PORT), 'v1/metrics'),
      ) ?? `http://localhost:${DEFAULT_HTTP_PORT}/v1/metrics`,
    otlpTracesHeaders: {
      ...genericHeaders,
      ...envKeyValues(env, ENV.OTEL_EXPORTER_OTLP_TRACES_HEADERS),
      ...options.otlpTracesHeaders,
    },
    otlpMetricsHeaders: {
      ...genericHeaders,
      ...envKeyValues(env, ENV.OTEL_EXPORTER_OTLP_METRICS_HEADERS),
      ...options.otlpMetricsHeaders,
    },
    otlpTracesTimeoutMs:
      pick(
        positive('otlpTimeoutMs', options.otlpTimeoutMs),
        envNumber(env, ENV.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT, (n) => n > 0),
        genericTimeout,
      ) ?? 10_000,
    otlpMetricsTimeoutMs:
      pick(
        positive('otlpTimeoutMs', options.otlpTimeoutMs),
        envNumber(env, ENV.OTEL_EXPORTER_OTLP_METRICS_TIMEOUT, (n) => n > 0),
        genericTimeout,
      ) ?? 10_000,
    metricsTemporality: oneOf(
      'metricsTemporality',
      pick(
        options.metricsTemporality,
        envString(env, ENV.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE)?.toLowerCase(),
      ),
      TEMPORALITIES,
      'delta',
    ) as Temporality,
    metricExportIntervalMs:
      pick(
        positive('metricExportIntervalMs', options.metricExportIntervalMs),
        envNumber(env, ENV.OTEL_METRIC_EXPORT_INTERVAL, (n) => n > 0),
      ) ?? 60_000,
    sampler: options.sampler ?? samplerFromEnv(env),
    semconv:
      options.semconv ??
      (envList(env, ENV.OTEL_SEMCONV_STABILITY_OPT_IN)?.includes(SEMCONV_LATEST_OPT_IN)
        ? 'latest_experimental'
        : 'v1.41.1'),
    captureContent:
      pick(
        options.captureContent,
        envBoolean(env, ENV.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT),
      ) ?? false,
    maxContentLength: positive('maxContentLength', options.maxContentLength) ?? 16_384,
    pricesFile: pick(options.pricesFile, envString(env, ENV.LLMETER_PRICES_FILE)),
    metricsPort: pick(
      port('metricsPort', options.metricsPort),
      envNumber(env, ENV.LLMETER_METRICS_PORT, (n) => Number.isInteger(n) && n >= 0 && n < 65536),
    ),
    metricsHost: pick(options.metricsHost, envString(env, ENV.LLMETER_METRICS_HOST)) ?? '0.0.0.0',
    metricsToken: pick(options.metricsToken, envString(env, ENV.LLMETER_METRICS_TOKEN)),
    pushgatewayUrl: pick(options.pushgatewayUrl, envString(env, ENV.LLMETER_PUSHGATEWAY_URL)),
    streamIncludeUsage:
      pick(options.streamIncludeUsage, envBoolean(env, ENV.LLMETER_STREAM_INCLUDE_USAGE)) ?? false,
    internalLogLevel: oneOf(
      'internalLogLevel',
      pick(
        options.internalLogLevel,
        envString(env, ENV.LLMETER_LOG_LEVEL)?.toLowerCase(),
        fromOtelLogLevel(envString(env, ENV.OTEL_LOG_LEVEL)),
      ),
      LOG_LEVELS,
      'warn',
    ) as InternalLogLevel,
    shutdownTimeoutMs: positive('shutdownTimeoutMs', options.shutdownTimeoutMs) ?? 5_000,
    cardinalityLimit:
      pick(
        seriesCap(options.cardinalityLimit),
        envNumber(env, ENV.LLMETER_CARDINALITY_LIMIT, validSeriesCap),
      ) ?? DEFAULT_CARDINALITY_LIMIT,
    logBufferBytes:
      pick(
        positive('logBufferBytes', options.logBufferBytes),
        envNumber(env, ENV.LLMETER_LOG_BUFFER_BYTES, (n) => n > 0),
      ) ?? DEFAULT_LOG_BUFFER_BYTES,
  };
}

function exporterList(
  what: string,
  option: readonly string[] | undefined,
  fromEnv: string[] | undefined,
  allowed: readonly string[],
  fallback: string[],
): string[] {
  const chosen = option ?? fromEnv;
  if (!chosen) return fallback;
  const valid = chosen.filter((name) => {
    if (allowed.includes(name)) return true;
    warnOnce(`config:${what}:${name}`, `ignoring unknown ${what} "${name}"`, { allowed });
    return false;
  });
  if (valid.length === 0) return fallback;
  return valid.includes('none') ? [] : valid;
}

/** OTEL_LOG_LEVEL (the OpenTelemetry SDK's diag level) in llmeter's level names. */
const OTEL_LOG_LEVELS: Record<string, InternalLogLevel> = {
  NONE: 'silent',
  ERROR: 'error',
  WARN: 'warn',
  INFO: 'info',
  DEBUG: 'debug',
  VERBOSE: 'trace',
  ALL: 'trace',
};

function fromOtelLogLevel(value: string | undefined): InternalLogLevel | undefined {
  return value === undefined ? undefined : OTEL_LOG_LEVELS[value.toUpperCase()];
}

function oneOf(
  what: string,
  value: string | undefined,
  allowed: readonly string[],
  fallback: string,
) {
  if (value === undefined) return fallback;
  if (allowed.includes(value)) return value;
  warnOnce(`config:${what}`, `ignoring ${what} "${value}"; using "${fallback}"`, { allowed });
  return fallback;
}

/** Below the OTel SDK's own default (2000), so the SDK never overflows before we do. */
export const DEFAULT_CARDINALITY_LIMIT = 1000;
/** 16 MiB of unwritten log lines (about 40,000 llm_call_completed lines) before new ones are dropped. */
export const DEFAULT_LOG_BUFFER_BYTES = 16 * 1024 * 1024;

const validSeriesCap = (n: number) => Number.isInteger(n) && n >= 2 && n <= 2000;

function seriesCap(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (validSeriesCap(value)) return value;
  warnOnce(
    'config:cardinalityLimit',
    'ignoring cardinalityLimit: expected an integer from 2 to 2000',
    {
      value,
    },
  );
  return undefined;
}

function positive(what: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  warnOnce(`config:${what}`, `ignoring ${what}: expected a positive number`, { value });
  return undefined;
}

function port(what: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (Number.isInteger(value) && value >= 0 && value < 65536) return value;
  warnOnce(`config:${what}`, `ignoring ${what}: not a port number`, { value });
  return undefined;
}

/**
 * One OTEL_EXPORTER_OTLP_ENDPOINT serves both signals, but llmeter sends traces
 * over gRPC and metrics over HTTP, which a collector receives on different
 * ports: swap the well-known default port so `http://collector:4317` just works.
 */
function withPort(endpoint: string, from: string, to: string): string {
  try {
    const url = new URL(endpoint);
    if (url.port === from) url.port = to;
    return url.toString().replace(/\/$/, '');
  } catch {
    warnOnce(`config:endpoint:${endpoint}`, 'ignoring an OTLP endpoint that is not a URL', {
      endpoint,
    });
    return endpoint;
  }
}

function appendPath(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path}`;
}

function samplerFromEnv(env: Env): Sampler {
  const name = envString(env, ENV.OTEL_TRACES_SAMPLER)?.toLowerCase() ?? 'parentbased_always_on';
  const ratio = () => envNumber(env, ENV.OTEL_TRACES_SAMPLER_ARG, (n) => n >= 0 && n <= 1) ?? 1;
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio());
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio()) });
    default:
      warnOnce('config:sampler', `ignoring unknown OTEL_TRACES_SAMPLER "${name}"`);
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}
