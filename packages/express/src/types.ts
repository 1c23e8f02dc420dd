import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Meter, TextMapPropagator } from '@opentelemetry/api';

/**
 * The parts of an Express request llmeter reads. Structural, so the package
 * works with Express 4 and 5 without depending on either's type package.
 */
export interface RequestLike extends IncomingMessage {
  originalUrl?: string;
  baseUrl?: string;
  path?: string;
  route?: { path?: unknown } | undefined;
  body?: unknown;
  protocol?: string;
}

export type NextFunction = (err?: unknown) => void;

/** An Express middleware. */
export type Middleware<Req extends IncomingMessage = RequestLike> = (
  req: Req,
  res: ServerResponse,
  next: NextFunction,
) => void;

/** An Express error middleware (four arguments). */
export type ErrorMiddleware<Req extends IncomingMessage = RequestLike> = (
  err: unknown,
  req: Req,
  res: ServerResponse,
  next: NextFunction,
) => void;

/** A fixed agent name, or one per request (`undefined`: no agent for this request). */
export type AgentNameOption<Req extends IncomingMessage = RequestLike> =
  | string
  | ((req: Req) => string | undefined);

export interface LLMeterMiddlewareOptions<Req extends IncomingMessage = RequestLike> {
  /**
   * Record each request as an agent invocation (`invoke_agent` span and the
   * `gen_ai.invoke_agent.*` metrics) under this name. Resolved when the
   * request arrives (the route is not known yet: decide on `req.path`), or set
   * per route with `llmeterAgent(name)`. Default: no request-level agent.
   */
  agentName?: AgentNameOption<Req>;
  /**
   * Start a SERVER span per request. `'auto'` (default): only when no span is
   * active yet, so an application that already runs OpenTelemetry's HTTP
   * instrumentation keeps its own server span (and its trace continuation)
   * and llmeter nests under it instead of adding a second one.
   */
  serverSpan?: boolean | 'auto';
  /**
   * How incoming trace context is read. Default: W3C `traceparent` +
   * `baggage`, B3 single (`b3`) and multi (`X-B3-*`) headers; W3C wins when
   * both are present. The global propagator is not consulted.
   */
  propagator?: TextMapPropagator;
  /** More requests to leave alone entirely (no span, no agent), beside `excludePaths`. */
  ignore?: (req: Req) => boolean;
  /**
   * Paths left alone entirely (no span, no agent): exact paths (a trailing
   * slash aside) or regular expressions, tested on the path without the query
   * string. Default `DEFAULT_EXCLUDED_PATHS` (`/metrics` and the usual health
   * and readiness probes); `[]` excludes none, `[...DEFAULT_EXCLUDED_PATHS, '/status']`
   * adds one. Wherever the app mounts llmeter's `metricsHandler()` is excluded too.
   */
  excludePaths?: readonly (string | RegExp)[];
}

export interface MetricsHandlerOptions {
  /** Require `Authorization: Bearer <token>`. Default: `init()`'s metricsToken / LLMETER_METRICS_TOKEN. */
  token?: string;
}

export interface ServeMetricsOptions extends MetricsHandlerOptions {
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Bind address. Default `0.0.0.0`. */
  host?: string;
}

/** A running standalone /metrics listener. */
export interface MetricsServerHandle {
  /** Resolves with the bound address once listening (rejects if it could not listen). */
  readonly ready: Promise<{ host: string; port: number }>;
  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void>;
}

export interface ServingOptions<Req extends IncomingMessage = RequestLike> {
  /** `gen_ai.operation.name`. Default: from the path (`chat`, `text_completion`, `embeddings`), else `chat`. */
  operation?: string;
  /** `gen_ai.provider.name` of the model server. Default `openai` (OpenAI-compatible). */
  provider?: string;
  /**
   * `server.address`. Not derived from the Host header on purpose: that is
   * client-controlled and would make metric labels unbounded. Default: unset.
   */
  serverAddress?: string;
  /** `server.port`. Default: the local port the request arrived on. */
  serverPort?: number;
  /** The request model when not `req.body.model` (e.g. the body is parsed later). */
  requestModel?: (req: Req) => string | undefined;
}

export interface GpuSamplerOptions {
  /** Time between samples. Default 15000. A sample never starts while one is running. */
  intervalMs?: number;
  /** Path or name (looked up on PATH) of nvidia-smi. Default `nvidia-smi`. */
  nvidiaSmiPath?: string;
  /** nvidia-smi is killed after this long. Default 5000. */
  timeoutMs?: number;
  /**
   * Also expose the gauges as OTel observable gauges on this meter. Default:
   * llmeter's meter when core exposes one; otherwise Prometheus only.
   */
  meter?: Meter;
}

/** One GPU as nvidia-smi reported it. Absent fields were `[N/A]` or unparsable. */
export interface GpuSample {
  uuid: string;
  index: number;
  name: string;
  utilizationRatio?: number;
  memoryUsedBytes?: number;
  memoryTotalBytes?: number;
  powerWatts?: number;
}

export interface GpuSampler {
  /** The GPUs of the last successful sample (empty before one, or when none). */
  readonly gpus: readonly GpuSample[];
  /** Runs one sample now (or waits for the running one); never rejects. */
  sampleNow(): Promise<readonly GpuSample[]>;
  /** Stops sampling and removes the series. Idempotent. */
  stop(): void;
}
