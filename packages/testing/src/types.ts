import type { IncomingHttpHeaders } from 'node:http';
import type {
  ReceivedLogRecord,
  ReceivedMetric,
  ReceivedSpan,
  ReceiverRequest,
} from './otlp/telemetry-types.js';

/**
 * Knobs of the mock LLM server. Every knob can be set for the whole server
 * (`startMockLLM(options)`, `setBehavior()`) or for one request through the
 * `x-mock-*` header named beside it, so one server can serve varied traffic
 * concurrently.
 */
export interface MockLLMBehavior {
  /**
   * Streaming: response headers go out at once and the first chunk after this
   * many ms, so time-to-first-chunk is measured from the request, as a real
   * model server behaves. Non-streaming: the whole body is delayed. Header
   * `x-mock-first-chunk-delay-ms`. Default 0.
   */
  firstChunkDelayMs: number;
  /** Pause between streamed chunks, ms. Header `x-mock-chunk-delay-ms`. Default 0. */
  chunkDelayMs: number;
  /**
   * Content chunks in a generated reply; each chunk is one output token, as
   * with OpenAI. Header `x-mock-chunks`. Default 8.
   */
  chunks: number;
  /**
   * Fixed reply text instead of the generated one; streamed one word per chunk
   * and counted one output token per word (`chunks` is then ignored).
   * Header `x-mock-content`.
   */
  content: string | undefined;
  /** `finish_reason` of text replies. Header `x-mock-finish-reason`. Default `stop`. */
  finishReason: string;
  /**
   * Answer with this HTTP status and OpenAI's JSON error body (429 adds
   * `retry-after`); Google's `{error:{code, message, status}}` on the Gemini
   * API's routes. Header `x-mock-error-status`.
   */
  errorStatus: number | undefined;
  /**
   * Only this many more requests get `errorStatus`, then the server answers
   * normally again (for retry tests). Undefined: every request. Global only.
   */
  errorTimes: number | undefined;
  /** `retry-after` seconds sent with 429 and 503. Header `x-mock-retry-after`. Default 1. */
  retryAfterSeconds: number;
  /**
   * Accept the request and never answer, until the client aborts or the server
   * closes: a model server that stalls. Header `x-mock-hang: 1`.
   */
  hang: boolean;
  /**
   * Non-streaming: a truncated JSON body with status 200. Streaming: a few good
   * chunks, then a cut-off `data:` frame and the end of the body without
   * `[DONE]`. Header `x-mock-malformed: 1`.
   */
  malformed: boolean;
  /**
   * Streaming: after this many chunks the connection is destroyed mid-stream
   * (a crashed upstream). Header `x-mock-fail-after-chunks`.
   */
  failAfterChunks: number | undefined;
  /**
   * When the request declares tools: `auto` calls a tool when `tool_choice`
   * demands one or the last user message names a tool (or says "tool");
   * `always` calls the first tool; `never` answers with text; any other value
   * is the name of the tool to call. A request whose last message is a tool
   * result is always answered with text. Header `x-mock-tool-call`. Default `auto`.
   */
  toolCall: string;
  /**
   * Arguments of generated tool calls. Default: built from the tool's JSON
   * schema (strings `"mock"`, numbers 1, booleans true, enums their first
   * value). Header `x-mock-tool-arguments` (JSON).
   */
  toolArguments: Record<string, unknown> | undefined;
  /**
   * Responses API: the response fails with this error code (`server_error`,
   * `rate_limit_exceeded`, ...): status `failed`, `error: { code, message }`,
   * no output and no usage. Streamed, the output deltas still go out and the
   * terminal event is `response.failed` instead of `response.completed` (HTTP
   * status 200 either way, as OpenAI does). Anthropic routes, streamed: the
   * content deltas go out, then an `error` event of this type
   * (`overloaded_error`, ...) instead of `message_delta` and `message_stop`.
   * Header `x-mock-response-error-code`.
   */
  responseErrorCode: string | undefined;
  /**
   * Cached input tokens reported (capped at the input tokens); on the Anthropic
   * routes, `cache_read_input_tokens`. Header `x-mock-cached-tokens`. Default 0.
   */
  cachedTokens: number;
  /**
   * Anthropic routes: input tokens written to the prompt cache
   * (`cache_creation_input_tokens`, capped at what the cache read leaves of
   * the prompt). Header `x-mock-cache-write-tokens`. Default 0.
   */
  cacheWriteTokens: number;
  /**
   * Reasoning tokens reported; they are part of the output tokens, as with
   * OpenAI. Header `x-mock-reasoning-tokens`. Default 0.
   */
  reasoningTokens: number;
  /**
   * The model name put in responses, from the requested one. Default: a dated
   * snapshot (`gpt-4o-mini` → `gpt-4o-mini-2024-07-18`, see
   * `defaultResponseModel`). Header `x-mock-response-model` (a fixed name).
   */
  responseModel: (requestModel: string) => string;
  /** Embedding vector length when the request sets no `dimensions`. Default 8. */
  embeddingDimensions: number;
  /** Model ids listed by `GET /v1/models`. */
  models: string[];
  /**
   * Answer every request with exactly this, whatever was asked: the way to
   * feed a client a response no real server sends (fuzzing). Default none.
   */
  reply: MockReply | undefined;
}

/** A raw answer: the status, content type and body bytes, sent as they are. */
export interface MockReply {
  status?: number;
  /** Default `application/json`; `text/event-stream` for a stream. */
  contentType?: string;
  body: string;
}

export interface MockLLMOptions extends Partial<MockLLMBehavior> {
  /** Port to listen on. Default 0: a free port. */
  port?: number;
  /**
   * How many received requests `requests` keeps (the oldest go first), so a
   * long-running mock (a demo, a soak) does not grow without end. Default 10 000.
   */
  keepRequests?: number;
  /** Address to bind. Default `127.0.0.1`. */
  host?: string;
  /**
   * Keep the process alive while the server listens (for a standalone demo
   * server). Default false: the server never holds the process open by itself.
   */
  ref?: boolean;
}

/** One request the mock LLM server received. */
export interface MockLLMRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; the raw text when it is not JSON; undefined when empty. */
  body: unknown;
  /** `Date.now()` when the body had been read. */
  receivedAt: number;
}

export interface MockLLM {
  /** Base URL including `/v1`, ready for `new OpenAI({ baseURL })`. */
  readonly url: string;
  readonly port: number;
  /** Every request received, oldest first (a live view). */
  readonly requests: readonly MockLLMRequest[];
  /** The global knobs now in force. */
  readonly behavior: Readonly<MockLLMBehavior>;
  /** Change global knobs; the others keep their values. */
  setBehavior(partial: Partial<MockLLMBehavior>): void;
  /** Forget received requests and restore the knobs given at start. */
  reset(): void;
  /** Stop listening and destroy open connections (hung and streaming ones too). */
  close(): Promise<void>;
}

/** How an OTLP receiver misbehaves, for exporter fault tests. */
export interface OtlpReceiverFault {
  /**
   * HTTP receiver: answer with this status (e.g. 503, 429) and no data is
   * kept. gRPC receiver: answer with this gRPC status code (e.g. 14
   * UNAVAILABLE, 8 RESOURCE_EXHAUSTED).
   */
  status?: number;
  /** HTTP: `Retry-After` seconds sent with the fault status. */
  retryAfterSeconds?: number;
  /** Accept the request and never answer, until the client gives up or `close()` runs. */
  hang?: boolean;
  /** A slow collector: answer (as the rest of the fault says, else accept) after this many ms. */
  delayMs?: number;
  /** Apply the fault to only the next N requests. Default: until `setFault(undefined)`. */
  times?: number;
}

export interface OtlpReceiverOptions {
  /** Port to listen on. Default 0: a free port. */
  port?: number;
  /** Address to bind. Default `127.0.0.1`. */
  host?: string;
  /** Misbehave from the start (see `setFault`). */
  fault?: OtlpReceiverFault;
  /**
   * How many export requests the receiver keeps (the oldest go first), so a
   * long-running receiver (a soak) does not grow without end. Default: all.
   */
  keepRequests?: number;
}

/** What both OTLP test receivers offer, whatever the wire protocol. */
export interface OtlpReceiver {
  /** Every export request, oldest first, decoded to the OTLP/JSON shape. */
  requests(): ReceiverRequest[];
  /** Spans of accepted requests, flattened, oldest first. */
  spans(): ReceivedSpan[];
  /** Metrics of accepted requests, one entry per metric per request, oldest first. */
  metrics(): ReceivedMetric[];
  /** Log records of accepted requests, flattened, oldest first. */
  logs(): ReceivedLogRecord[];
  /**
   * Resolves with the predicate's first truthy result; it runs now and after
   * every request that arrives. Rejects after `timeoutMs` (default 10 000)
   * with a summary of what did arrive.
   */
  waitFor<T>(
    predicate: (receiver: OtlpReceiver) => T | undefined | null | false,
    timeoutMs?: number,
  ): Promise<T>;
  /** Change or clear (undefined) the fault. */
  setFault(fault: OtlpReceiverFault | undefined): void;
  /** Forget everything received. */
  reset(): void;
  /** Stop the server and drop open connections. */
  close(): Promise<void>;
}

export interface OtlpHttpReceiver extends OtlpReceiver {
  /** `http://host:port`: the value for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly url: string;
  readonly port: number;
  /** Full signal URLs, the value for an exporter's `url` option. */
  readonly tracesUrl: string;
  readonly metricsUrl: string;
  readonly logsUrl: string;
}

export interface OtlpGrpcReceiver extends OtlpReceiver {
  /** `http://host:port`: the value for an OTLP/gRPC exporter's `url` option. */
  readonly url: string;
  /** `host:port`, for gRPC clients that take an address. */
  readonly endpoint: string;
  readonly port: number;
}
