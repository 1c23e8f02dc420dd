import type { Attributes, Context, Span } from '@opentelemetry/api';
import type { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { Sampler, SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Logger as PinoLogger } from 'pino';
import type { Registry } from 'prom-client';

/** USD per one million tokens. */
export interface ModelPriceInput {
  input: number;
  cachedInput?: number;
  cacheWrite?: number;
  output: number;
  asOf?: string;
  source?: string;
}

export type SemconvMode = 'v1.41.1' | 'latest_experimental';
export type TracesExporterName = 'otlp' | 'console' | 'none';
export type MetricsExporterName = 'otlp' | 'prometheus' | 'console' | 'none';
export type Temporality = 'delta' | 'cumulative' | 'lowmemory';
export type InternalLogLevel = 'silent' | 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** One message in the semconv GenAI message shape (content capture). */
export interface GenAIMessage {
  role: string;
  parts: GenAIMessagePart[];
  name?: string;
  finish_reason?: string;
}
export type GenAIMessagePart =
  | { type: 'text'; content: string }
  | { type: 'tool_call'; id?: string; name: string; arguments?: unknown }
  | { type: 'tool_call_response'; id?: string; response: unknown }
  | { type: string; [key: string]: unknown };

/** Runs on every captured message before anything is recorded; return undefined to drop it. */
export type RedactHook = (message: GenAIMessage) => GenAIMessage | undefined;

/**
 * What `init({ instrumentations })` takes: an OpenTelemetry `Instrumentation`
 * (`OpenAIInstrumentation`, `LangChainInstrumentation`, `ExpressInstrumentation`,
 * or any other built on `@opentelemetry/instrumentation`), described by the
 * part of it core uses, so core never imports an adapter or that package.
 * Core calls `enable()` once llmeter has started.
 */
export interface LLMeterInstrumentation {
  /** OpenTelemetry's name of the instrumentation, e.g. `@llmeter/openai`, for diagnostics. */
  readonly instrumentationName?: string;
  /** A short name, for an instrumentation that has no `instrumentationName`. */
  readonly name?: string;
  /**
   * Turns the instrumentation on; must be idempotent. A throw, or a `false`
   * returned, is logged on llmeter's internal logger, never passed to the application.
   */
  enable(): unknown;
  disable?(): void;
}

/** Options of `init()`. Each wins over its environment variable, which wins over the default. */
export interface LLMeterOptions {
  /** `service.name`. Env: OTEL_SERVICE_NAME, then service.name in OTEL_RESOURCE_ATTRIBUTES. */
  serviceName?: string;
  serviceVersion?: string;
  /** `service.instance.id`. Default: the pod UID + container, else a random UUID. */
  serviceInstanceId?: string;
  /** `deployment.environment.name`. */
  deploymentEnvironment?: string;
  /** Extra resource attributes (win over OTEL_RESOURCE_ATTRIBUTES). */
  resourceAttributes?: Record<string, string>;
  /** Turn everything into a cheap no-op. Env: OTEL_SDK_DISABLED. */
  disabled?: boolean;

  /** Env: OTEL_TRACES_EXPORTER. Default `otlp` (gRPC). */
  tracesExporter?: readonly TracesExporterName[];
  /** Env: OTEL_METRICS_EXPORTER. Default `otlp,prometheus`. */
  metricsExporter?: readonly MetricsExporterName[];
  /** OTLP/gRPC traces endpoint. Env: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT. */
  otlpTracesEndpoint?: string;
  /** OTLP/HTTP metrics endpoint (full URL). Env: OTEL_EXPORTER_OTLP_METRICS_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT + /v1/metrics. */
  otlpMetricsEndpoint?: string;
  otlpTracesHeaders?: Record<string, string>;
  otlpMetricsHeaders?: Record<string, string>;
  /** Per-export timeout. Env: OTEL_EXPORTER_OTLP_[TRACES_|METRICS_]TIMEOUT. Default 10000. */
  otlpTimeoutMs?: number;
  /** Env: OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE. Default `delta`. */
  metricsTemporality?: Temporality;
  /** Env: OTEL_METRIC_EXPORT_INTERVAL. Default 60000. */
  metricExportIntervalMs?: number;
  /** Env: OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG. Default parentbased_always_on. */
  sampler?: Sampler;
  /** Bounds of the batch span processor. Env: OTEL_BSP_*. */
  batchSpanProcessor?: {
    maxQueueSize?: number;
    maxExportBatchSize?: number;
    scheduledDelayMillis?: number;
    exportTimeoutMillis?: number;
  };
  /** Extra span processors for llmeter's own tracer provider (e.g. an in-memory exporter in tests). */
  spanProcessors?: SpanProcessor[];
  /** Extra metric readers for llmeter's own meter provider. */
  metricReaders?: MetricReader[];
  /**
   * Use this tracer provider instead of creating one. By default llmeter uses the
   * application's global provider when one is already registered.
   */
  tracerProvider?: TracerProvider | import('@opentelemetry/api').TracerProvider;
  /** Use this meter provider instead of creating llmeter's own. */
  meterProvider?: MeterProvider | import('@opentelemetry/api').MeterProvider;
  /** Register llmeter's providers as the OTel globals when none is registered yet. Default true. */
  registerGlobal?: boolean;

  /** Env: OTEL_SEMCONV_STABILITY_OPT_IN (contains gen_ai_latest_experimental). */
  semconv?: SemconvMode;
  /** Record prompts and completions on spans and logs. Env: OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT. */
  captureContent?: boolean;
  redact?: RedactHook;
  /** Longest content attribute, in characters, before truncation. Default 16384. */
  maxContentLength?: number;
  /**
   * More credential shapes to scrub from everything llmeter exports, on top of
   * the built-in ones (regular expressions or their sources; applied
   * case-insensitively). Env: LLMETER_SECRET_PATTERNS (one regular expression).
   */
  secretPatterns?: readonly (RegExp | string)[];

  /** Price overrides by model name (USD per 1M tokens). Win over LLMETER_PRICES_FILE and the shipped table. */
  prices?: Record<string, ModelPriceInput>;
  /** Env: LLMETER_PRICES_FILE. */
  pricesFile?: string;

  /** Standalone /metrics listener port. Env: LLMETER_METRICS_PORT. */
  metricsPort?: number;
  /** Env: LLMETER_METRICS_HOST. Default 0.0.0.0. */
  metricsHost?: string;
  /** Bearer token required on /metrics. Env: LLMETER_METRICS_TOKEN. */
  metricsToken?: string;
  /** Also register llmeter's series in this prom-client registry (e.g. prom-client's default `register`). */
  promRegistry?: Registry;
  /** Node process metrics (prom-client default metrics) on /metrics. Default false. */
  processMetrics?: boolean;
  /** Push metrics to this Pushgateway on shutdown. Env: LLMETER_PUSHGATEWAY_URL. */
  pushgatewayUrl?: string;

  /** Add `stream_options.include_usage` to streamed calls that did not set it. Env: LLMETER_STREAM_INCLUDE_USAGE. */
  streamIncludeUsage?: boolean;

  /** The llm_call_completed log lines: a pino logger of the app's, `false` for none. Default: llmeter's pino on stdout. */
  logger?: PinoLogger | false;
  /**
   * Most bytes of log lines llmeter's own stdout logger holds while stdout falls behind;
   * past it, lines are dropped and counted (`llmeter.sdk.log_lines.dropped`).
   * Env: LLMETER_LOG_BUFFER_BYTES. Default 16 MiB.
   */
  logBufferBytes?: number;
  /** Level of llmeter's own pino logger on stdout. Default `info`. */
  logLevel?: InternalLogLevel;
  /** llmeter's internal diagnostics (stderr). Env: LLMETER_LOG_LEVEL. Default `warn`. */
  internalLogLevel?: InternalLogLevel;

  /**
   * Instrumentations to switch on, e.g. `[new OpenAIInstrumentation()]` from
   * @llmeter/openai. Enabled after llmeter has started (not when disabled),
   * also when init() returns an instance already running.
   */
  instrumentations?: readonly LLMeterInstrumentation[];

  /** Flush on SIGTERM/SIGINT, then let the process exit as it would have. Default true. */
  handleSignals?: boolean;
  /**
   * When the process is about to end on its own (`beforeExit`: a script or a
   * CronJob that never calls shutdown()), run shutdown() once: spans and metrics
   * are exported and the Pushgateway push happens. Default true.
   */
  flushOnExit?: boolean;
  /** Upper bound for shutdown()/forceFlush(). Default 5000. */
  shutdownTimeoutMs?: number;
  /**
   * Most series (distinct attribute sets) per metric, on /metrics and OTLP alike;
   * later ones share one series labelled `otel.metric.overflow=true`.
   * Env: LLMETER_CARDINALITY_LIMIT. Integer from 2 to 2000; default 1000.
   */
  cardinalityLimit?: number;
}

/** Token usage as reported by the provider. `inputTokens` includes cached input tokens. */
export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
  reasoningOutputTokens?: number;
  /** True when the counts are a tokenizer estimate rather than provider-reported. */
  estimated?: boolean;
}

/** Request parameters, recorded as `gen_ai.request.*` span attributes. */
export interface RequestParams {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  stopSequences?: string[];
  seed?: number;
  choiceCount?: number;
  stream?: boolean;
}

/** How an LLM operation starts. Everything is optional; bad values are dropped, never thrown. */
export interface LLMOperationStart {
  /** `gen_ai.operation.name`: chat (default), text_completion, embeddings, ... */
  operation?: string;
  /** `gen_ai.provider.name`. Default `openai`. */
  provider?: string;
  requestModel?: string;
  serverAddress?: string;
  serverPort?: number;
  request?: RequestParams;
  conversationId?: string;
  /** performance.now() at which the request was issued. Default: now. */
  startTime?: number;
  /** Parent context. Default: the active context. */
  parentContext?: Context;
  /** Extra span attributes (bounded values only). */
  attributes?: Attributes;
  /** Content, recorded only when content capture is on, after `redact`. */
  inputMessages?: GenAIMessage[];
  systemInstructions?: GenAIMessagePart[];
  toolDefinitions?: unknown[];
}

/** What is known when an LLM operation finishes. */
export interface LLMOperationResult {
  responseModel?: string;
  responseId?: string;
  finishReasons?: string[];
  usage?: Usage;
  outputMessages?: GenAIMessage[];
  /** The stream ended before the provider finished it (consumer break or abort). */
  incomplete?: boolean;
  attributes?: Attributes;
}

/** A started LLM operation. Every method is safe to call in any order, any number of times. */
export interface LLMOperation {
  readonly span: Span;
  /** Context with this operation's span active: run the provider call inside it. */
  readonly context: Context;
  /** True when an enclosing operation already measures this call (metrics are left to it). */
  readonly nested: boolean;
  /** A streamed chunk arrived (the first sets time to first chunk). `at` is performance.now(). */
  chunk(at?: number): void;
  /** Merge what is known so far (model, usage, finish reasons) without ending. */
  update(result: LLMOperationResult): void;
  end(result?: LLMOperationResult): void;
  fail(error: unknown, result?: LLMOperationResult & { errorType?: string }): void;
}

export interface ToolStart {
  name: string;
  callId?: string;
  /** function | extension | datastore */
  type?: string;
  description?: string;
  arguments?: unknown;
  parentContext?: Context;
  startTime?: number;
}

export interface ToolOperation {
  readonly span: Span;
  readonly context: Context;
  end(result?: unknown): void;
  fail(error: unknown, errorType?: string): void;
}

export interface AgentStart {
  name: string;
  id?: string;
  description?: string;
  conversationId?: string;
  requestModel?: string;
  provider?: string;
  parentContext?: Context;
  startTime?: number;
}

export interface AgentOperation {
  readonly span: Span;
  readonly context: Context;
  /** Calls counted so far (inference and tool calls started inside `context` count themselves). */
  readonly inferenceCalls: number;
  readonly toolCalls: number;
  countInferenceCall(): void;
  countToolCall(): void;
  end(): void;
  fail(error: unknown, errorType?: string): void;
}

export interface WorkflowStart {
  name: string;
  parentContext?: Context;
  attributes?: Attributes;
  startTime?: number;
}

export interface WorkflowOperation {
  readonly span: Span;
  readonly context: Context;
  end(attributes?: Attributes): void;
  fail(error: unknown, errorType?: string): void;
}

export interface GuardrailActivation {
  name: string;
  action: 'blocked' | 'flagged' | 'redacted';
}

export interface EvaluationResult {
  /** e.g. hallucination, relevance */
  name: string;
  /** Bounded label, e.g. pass | fail | hallucinated */
  scoreLabel: string;
  scoreValue?: number;
}

export interface AgentOutcome {
  agentName: string;
  outcome: 'success' | 'failure';
}
