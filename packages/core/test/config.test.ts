import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config';

describe('configuration precedence: option > env > default', () => {
  it('uses llmeter defaults when nothing is set', () => {
    const c = resolveConfig({}, {});
    expect(c).toMatchObject({
      disabled: false,
      tracesExporter: ['otlp'],
      metricsExporter: ['otlp', 'prometheus'],
      otlpTracesEndpoint: 'http://localhost:4317',
      otlpMetricsEndpoint: 'http://localhost:4318/v1/metrics',
      metricsTemporality: 'delta',
      metricExportIntervalMs: 60000,
      semconv: 'v1.41.1',
      captureContent: false,
      metricsPort: undefined,
      metricsHost: '0.0.0.0',
      streamIncludeUsage: false,
      internalLogLevel: 'warn',
      shutdownTimeoutMs: 5000,
    });
    expect(c.sampler.toString()).toContain('ParentBased');
  });

  it('reads the standard OTEL_* and LLMETER_* variables', () => {
    const c = resolveConfig(
      {},
      {
        OTEL_SDK_DISABLED: 'true',
        OTEL_TRACES_EXPORTER: 'console',
        OTEL_METRICS_EXPORTER: 'prometheus',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4317',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://metrics:4318/v1/metrics',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=a,authorization=Bearer%20t',
        OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'x-tenant=b',
        OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
        OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'Cumulative',
        OTEL_METRIC_EXPORT_INTERVAL: '15000',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.05',
        OTEL_SEMCONV_STABILITY_OPT_IN: 'http,gen_ai_latest_experimental',
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
        LLMETER_METRICS_PORT: '9464',
        LLMETER_METRICS_HOST: '127.0.0.1',
        LLMETER_METRICS_TOKEN: 'secret',
        LLMETER_PRICES_FILE: '/etc/prices.json',
        LLMETER_STREAM_INCLUDE_USAGE: 'true',
        LLMETER_LOG_LEVEL: 'debug',
        LLMETER_PUSHGATEWAY_URL: 'http://pushgateway:9091',
      },
    );
    expect(c).toMatchObject({
      disabled: true,
      tracesExporter: ['console'],
      metricsExporter: ['prometheus'],
      otlpTracesEndpoint: 'http://traces:4317',
      otlpMetricsEndpoint: 'http://metrics:4318/v1/metrics',
      otlpTracesHeaders: { 'x-tenant': 'a', authorization: 'Bearer t' },
      otlpMetricsHeaders: { 'x-tenant': 'b', authorization: 'Bearer t' },
      otlpTracesTimeoutMs: 2500,
      metricsTemporality: 'cumulative',
      metricExportIntervalMs: 15000,
      semconv: 'latest_experimental',
      captureContent: true,
      metricsPort: 9464,
      metricsHost: '127.0.0.1',
      metricsToken: 'secret',
      pricesFile: '/etc/prices.json',
      streamIncludeUsage: true,
      internalLogLevel: 'debug',
      pushgatewayUrl: 'http://pushgateway:9091',
    });
    expect(c.sampler.toString()).toContain('TraceIdRatioBased{0.05}');
  });

  it('bounds the log buffer at 16 MiB unless LLMETER_LOG_BUFFER_BYTES or logBufferBytes says otherwise', () => {
    expect(resolveConfig({}, {}).logBufferBytes).toBe(16 * 1024 * 1024);
    expect(resolveConfig({}, { LLMETER_LOG_BUFFER_BYTES: '65536' }).logBufferBytes).toBe(65536);
    expect(
      resolveConfig({ logBufferBytes: 4096 }, { LLMETER_LOG_BUFFER_BYTES: '65536' }).logBufferBytes,
    ).toBe(4096);
    expect(resolveConfig({}, { LLMETER_LOG_BUFFER_BYTES: '-1' }).logBufferBytes).toBe(
      16 * 1024 * 1024,
    );
  });

  it('lets options win over env vars', () => {
    const c = resolveConfig(
      { disabled: false, metricsTemporality: 'delta', captureContent: false, metricsPort: 1234 },
      {
        OTEL_SDK_DISABLED: 'true',
        OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative',
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
        LLMETER_METRICS_PORT: '9464',
      },
    );
    expect(c).toMatchObject({
      disabled: false,
      metricsTemporality: 'delta',
      captureContent: false,
      metricsPort: 1234,
    });
  });

  it('tells an unset variable from one set to false', () => {
    expect(
      resolveConfig({}, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'false' })
        .captureContent,
    ).toBe(false);
    expect(
      resolveConfig(
        { captureContent: true },
        { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: '' },
      ).captureContent,
    ).toBe(true);
  });

  it('sends gRPC traces and HTTP metrics to one OTEL_EXPORTER_OTLP_ENDPOINT, swapping the well-known port', () => {
    const grpc = resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317' });
    expect(grpc.otlpTracesEndpoint).toBe('http://collector:4317');
    expect(grpc.otlpMetricsEndpoint).toBe('http://collector:4318/v1/metrics');
    const http = resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' });
    expect(http.otlpTracesEndpoint).toBe('http://collector:4317');
    expect(http.otlpMetricsEndpoint).toBe('http://collector:4318/v1/metrics');
    const custom = resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://gw.example:8443' });
    expect(custom.otlpTracesEndpoint).toBe('https://gw.example:8443');
    expect(custom.otlpMetricsEndpoint).toBe('https://gw.example:8443/v1/metrics');
  });

  it('warns and falls back on bad values instead of throwing', () => {
    const c = resolveConfig(
      { metricExportIntervalMs: -5, metricsPort: 70000, metricsExporter: ['bogus' as never] },
      {
        OTEL_SDK_DISABLED: 'maybe',
        OTEL_TRACES_EXPORTER: 'zipkin',
        OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'sideways',
        OTEL_METRIC_EXPORT_INTERVAL: 'soon',
        OTEL_TRACES_SAMPLER: 'coinflip',
        OTEL_TRACES_SAMPLER_ARG: '7',
        OTEL_RESOURCE_ATTRIBUTES: 'garbage,,=x',
        LLMETER_METRICS_PORT: 'http',
        LLMETER_LOG_LEVEL: 'chatty',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url',
      },
    );
    expect(c).toMatchObject({
      disabled: false,
      tracesExporter: ['otlp'],
      metricsExporter: ['otlp', 'prometheus'],
      metricsTemporality: 'delta',
      metricExportIntervalMs: 60000,
      metricsPort: undefined,
      internalLogLevel: 'warn',
    });
  });

  it('turns an exporter list containing none into no exporter', () => {
    expect(resolveConfig({}, { OTEL_TRACES_EXPORTER: 'none' }).tracesExporter).toEqual([]);
    expect(resolveConfig({}, { OTEL_METRICS_EXPORTER: 'none' }).metricsExporter).toEqual([]);
  });
});
