import { type Attributes, type Context, context, type Span, SpanKind } from '@opentelemetry/api';
import { ATTR, DEFAULT_PROVIDER, LATEST_ATTR, OPERATION } from '../constants';
import { failSpan, errorType as resolveErrorType } from '../failure';
import { reportInternalError } from '../internal-log';
import * as clean from '../sanitize';
import type { LLMOperation, LLMOperationResult, LLMOperationStart, Usage } from '../types';
import {
  activeAgent,
  activeInference,
  INFERENCE_KEY,
  type InferenceLink,
  type NestedResult,
} from './context-keys';
import { findOuterInference, type ObservedRun, observeInference } from './coordination';
import { recordInferenceMetrics } from './inference-metrics';
import { operationContext } from './operation-context';
import { type EndSeries, type StartSeries, startSeries } from './series-attributes';
import {
  epochMs,
  exemplarOf,
  type RecorderDeps,
  setDefined,
  setOwnSpanAttribute,
  setSpanAttribute,
  startSpan,
} from './shared';

/**
 * One LLM call from request to last chunk. Adapters call chunk()/update() as
 * data arrives and end()/fail() once; everything after the first end is ignored,
 * and no method throws.
 */
export class InferenceOperation implements LLMOperation, InferenceLink {
  readonly span: Span;
  readonly context: Context;
  readonly nested: boolean;
  ended = false;

  readonly operation: string;
  readonly provider: string;
  readonly requestModel: string | undefined;
  readonly serverAddress: string | undefined;
  readonly serverPort: number | undefined;
  readonly stream: boolean;
  readonly startTime: number;
  responseModel: string | undefined;
  responseId: string | undefined;
  finishReasons: string[] | undefined;
  usage: Usage | undefined;
  firstChunkAt: number | undefined;
  private lastChunkAt: number | undefined;
  /** Gaps between chunks, kept until end because response model (a label) is known only then. */
  chunkGapsS: number[] = [];
  private readonly outer: InferenceLink | undefined;
  /** Shared metric attribute sets of this request tuple (see series-attributes.ts). */
  private readonly series: StartSeries;
  /** Captured prompt (JSON), only with content capture on; shared by the span and the log line. */
  readonly inputMessagesJson: string | undefined;
  /** Removes an observed run from the coordination set (see coordination.ts). */
  private readonly forget: (() => void) | undefined;

  constructor(
    private readonly deps: RecorderDeps,
    start: LLMOperationStart,
    observed?: ObservedRun,
  ) {
    const requested = start.parentContext ?? context.active();
    const outer = findOuterInference(requested, observed !== undefined);
    // Found through a resolver rather than the context: parent the span on it explicitly.
    const parent = outer && activeInference(requested) !== outer ? outer.context : requested;
    this.operation = clean.name(start.operation) ?? OPERATION.CHAT;
    this.provider = clean.name(start.provider) ?? DEFAULT_PROVIDER;
    this.requestModel = clean.name(start.requestModel);
    this.serverAddress = clean.name(start.serverAddress);
    this.serverPort = clean.port(start.serverPort);
    this.stream = start.request?.stream === true;
    this.startTime = clean.finiteNumber(start.startTime) ?? performance.now();
    this.series = startSeries(
      this.operation,
      this.provider,
      this.requestModel,
      this.serverAddress,
      this.serverPort,
    );

    this.outer = outer;
    this.nested = outer !== undefined;

    this.span = startSpan(
      deps,
      this.requestModel ? `${this.operation} ${this.requestModel}` : this.operation,
      {
        kind: SpanKind.CLIENT,
        attributes: this.startAttributes(start),
        startTime: epochMs(this.startTime),
      },
      parent,
    );
    this.context = operationContext(parent, this.span, INFERENCE_KEY, this);
    this.inputMessagesJson = deps.content.messages(start.inputMessages);
    if (!this.nested) {
      activeAgent(parent)?.countInferenceCall();
      // A failing metrics sink must not cost the span: the operation goes on without it.
      try {
        deps.metrics?.record('activeRequests', 1, this.series.active);
      } catch (error) {
        reportInternalError('inference.start', error);
      }
    }
    if (this.span.isRecording()) this.setStartDetails(start);
    this.forget = observed ? observeInference(observed, this).forget : undefined;
  }

  chunk(at?: number): void {
    if (this.ended) return;
    const now =
      at === undefined ? performance.now() : (clean.finiteNumber(at) ?? performance.now());
    if (this.firstChunkAt === undefined) this.firstChunkAt = now;
    else if (this.lastChunkAt !== undefined)
      this.chunkGapsS.push(Math.max(0, now - this.lastChunkAt) / 1000);
    this.lastChunkAt = now;
  }

  update(result: LLMOperationResult): void {
    if (this.ended || !result) return;
    try {
      this.merge(result);
    } catch (error) {
      reportInternalError('inference.update', error);
    }
  }

  end(result?: LLMOperationResult): void {
    this.finish(result, undefined, undefined);
  }

  fail(error: unknown, result?: LLMOperationResult & { errorType?: string }): void {
    this.finish(result, error, resolveErrorType(error, result?.errorType));
  }

  /** A nested operation's measurements win: they were taken closer to the wire. */
  absorb(inner: NestedResult): void {
    if (this.ended) return;
    if (inner.responseModel) this.responseModel = inner.responseModel;
    if (inner.responseId) this.responseId = inner.responseId;
    if (inner.finishReasons) this.finishReasons = inner.finishReasons;
    if (inner.usage) this.usage = inner.usage;
    if (inner.timeToFirstChunkS !== undefined) {
      this.firstChunkAt = this.startTime + inner.timeToFirstChunkS * 1000;
      this.chunkGapsS = inner.chunkGapsS ?? [];
    }
  }

  get timeToFirstChunkS(): number | undefined {
    return this.firstChunkAt === undefined
      ? undefined
      : Math.max(0, this.firstChunkAt - this.startTime) / 1000;
  }

  /**
   * The shared, frozen attribute sets of this operation's metrics, now that
   * the response model is known (`common` is what every metric carries).
   */
  endSeries(): EndSeries {
    return this.series.end(this.responseModel);
  }

  private finish(
    result: LLMOperationResult | undefined,
    error: unknown,
    errorType: string | undefined,
  ) {
    if (this.ended) return;
    const endTime = performance.now();
    try {
      if (result) this.merge(result);
    } catch (e) {
      reportInternalError('inference.merge', e);
    }
    this.ended = true;
    this.forget?.();
    try {
      if (!this.nested) this.deps.metrics?.record('activeRequests', -1, this.series.active);
      const durationS = Math.max(0, endTime - this.startTime) / 1000;
      const cost = this.nested
        ? undefined
        : this.deps.prices.cost(this.responseModel ?? this.requestModel, this.usage);
      const outputJson = this.deps.content.messages(result?.outputMessages);
      if (this.span.isRecording()) {
        this.setEndAttributes(result, cost?.total, outputJson);
        if (errorType !== undefined) failSpan(this.span, error, errorType);
      }
      if (this.nested) {
        this.outer?.absorb(this.nestedResult());
      } else {
        recordInferenceMetrics(this.deps, this, {
          durationS,
          errorType,
          cost,
          exemplar: exemplarOf(this.span),
        });
        this.deps.log?.inference(this, {
          durationS,
          errorType,
          costUsd: cost?.total,
          incomplete: result?.incomplete === true,
          outputMessagesJson: outputJson,
        });
      }
    } catch (e) {
      reportInternalError('inference.end', e);
    } finally {
      this.span.end(epochMs(endTime));
    }
  }

  private nestedResult(): NestedResult {
    const out: NestedResult = {};
    if (this.responseModel) out.responseModel = this.responseModel;
    if (this.responseId) out.responseId = this.responseId;
    if (this.finishReasons) out.finishReasons = this.finishReasons;
    if (this.usage) out.usage = this.usage;
    const ttft = this.timeToFirstChunkS;
    if (ttft !== undefined) {
      out.timeToFirstChunkS = ttft;
      out.chunkGapsS = this.chunkGapsS;
    }
    return out;
  }

  private merge(result: LLMOperationResult): void {
    const model = clean.name(result.responseModel);
    if (model) this.responseModel = model;
    const id = clean.id(result.responseId);
    if (id) this.responseId = id;
    const reasons = clean.stringArray(result.finishReasons);
    if (reasons) this.finishReasons = reasons;
    const usage = clean.usage(result.usage);
    // `usage` is a fresh object of clean.usage(): the first one is kept as it is, no copy.
    if (usage) this.usage = this.usage === undefined ? usage : { ...this.usage, ...usage };
  }

  /** The request tuple's shared set, or a copy with the adapter's own start attributes added. */
  private startAttributes(start: LLMOperationStart): Attributes {
    const extra = start.attributes;
    if (!extra || typeof extra !== 'object') return this.series.spanStart;
    const attrs: Attributes = { ...this.series.spanStart };
    for (const key of Object.keys(extra)) setDefined(attrs, key, extra[key]);
    return attrs;
  }

  private setStartDetails(start: LLMOperationStart): void {
    const span = this.span;
    const set = this.deps.ownSpans ? setOwnSpanAttribute : setSpanAttribute;
    const r = start.request;
    if (r && typeof r === 'object') {
      set(span, ATTR.REQUEST_MAX_TOKENS, clean.finiteNumber(r.maxTokens));
      set(span, ATTR.REQUEST_TEMPERATURE, clean.finiteNumber(r.temperature));
      set(span, ATTR.REQUEST_TOP_P, clean.finiteNumber(r.topP));
      set(span, ATTR.REQUEST_FREQUENCY_PENALTY, clean.finiteNumber(r.frequencyPenalty));
      set(span, ATTR.REQUEST_PRESENCE_PENALTY, clean.finiteNumber(r.presencePenalty));
      set(span, ATTR.REQUEST_STOP_SEQUENCES, clean.stringArray(r.stopSequences));
      set(span, ATTR.REQUEST_SEED, clean.finiteNumber(r.seed));
      set(span, ATTR.REQUEST_CHOICE_COUNT, clean.finiteNumber(r.choiceCount));
      if (typeof r.stream === 'boolean') set(span, ATTR.REQUEST_STREAM, r.stream);
    }
    set(span, ATTR.CONVERSATION_ID, clean.id(start.conversationId));
    const content = this.deps.content;
    set(span, ATTR.INPUT_MESSAGES, this.inputMessagesJson);
    set(span, ATTR.SYSTEM_INSTRUCTIONS, content.parts(start.systemInstructions, 'system'));
    if (content.enabled && Array.isArray(start.toolDefinitions)) {
      set(span, ATTR.TOOL_DEFINITIONS, content.value(start.toolDefinitions, 'system', 'arguments'));
    }
  }

  private setEndAttributes(
    result: LLMOperationResult | undefined,
    costUsd: number | undefined,
    outputJson: string | undefined,
  ): void {
    const span = this.span;
    const set = this.deps.ownSpans ? setOwnSpanAttribute : setSpanAttribute;
    set(span, ATTR.RESPONSE_MODEL, this.responseModel);
    set(span, ATTR.RESPONSE_ID, this.responseId);
    set(span, ATTR.RESPONSE_FINISH_REASONS, this.finishReasons);
    set(span, ATTR.RESPONSE_TIME_TO_FIRST_CHUNK, this.timeToFirstChunkS);
    const u = this.usage;
    if (u) {
      set(span, ATTR.USAGE_INPUT_TOKENS, u.inputTokens);
      set(span, ATTR.USAGE_OUTPUT_TOKENS, u.outputTokens);
      set(span, ATTR.USAGE_CACHE_READ_INPUT_TOKENS, u.cacheReadInputTokens);
      set(
        span,
        this.deps.semconv === 'latest_experimental'
          ? LATEST_ATTR.USAGE_CACHE_CREATION_INPUT_TOKENS
          : ATTR.USAGE_CACHE_CREATION_INPUT_TOKENS,
        u.cacheCreationInputTokens,
      );
      set(span, ATTR.USAGE_REASONING_OUTPUT_TOKENS, u.reasoningOutputTokens);
      if (u.estimated) set(span, ATTR.LLMETER_USAGE_ESTIMATED, true);
    }
    set(span, ATTR.LLMETER_COST_USD, costUsd);
    if (this.stream || this.firstChunkAt !== undefined) {
      const chunks = this.firstChunkAt === undefined ? 0 : this.chunkGapsS.length + 1;
      set(span, ATTR.LLMETER_STREAM_CHUNKS, chunks);
    }
    if (result?.incomplete === true) set(span, ATTR.LLMETER_STREAM_INCOMPLETE, true);
    set(span, ATTR.OUTPUT_MESSAGES, outputJson);
    const extra = result?.attributes;
    if (extra && typeof extra === 'object') {
      for (const key of Object.keys(extra)) set(span, key, extra[key]);
    }
  }
}
