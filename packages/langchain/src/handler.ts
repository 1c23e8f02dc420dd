import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { reportInternalError } from '@llmeter/core/internal';
import { HANDLER_NAME } from './constants';
import { RunStore, runById } from './run-store';
import { insideAgentSettings, resolveSettings, type Settings } from './settings';
import { agentAction, agentFinish } from './surfaces/agents';
import { startChainRun } from './surfaces/chains';
import { type ModelRun, startModelRun } from './surfaces/llm';
import { startRetrieverRun } from './surfaces/retrievers';
import { startToolRun } from './surfaces/tools';
import type { LLMeterCallbackHandlerOptions } from './types';

/**
 * A LangChain.js callback handler that turns runs into llmeter operations:
 * chat models and LLMs → `chat`/`text_completion` (tokens, time to first
 * chunk, cost), tools → `execute_tool`, agents → `invoke_agent` with their
 * inference and tool call counts, chains → `invoke_workflow`, retrievers →
 * `retrieval` spans. Spans nest by run id, the root under whatever
 * OpenTelemetry context is active when the root run starts.
 *
 * Every method is synchronous and never throws. `awaitHandlers` is always on:
 * LangChain then calls the handler inside the caller's async context (the
 * default background queue would run it later, elsewhere, and skew every
 * timing), which is what roots the tree and lets SDK adapters find the run.
 */
export class LLMeterCallbackHandler extends BaseCallbackHandler {
  override name = HANDLER_NAME;
  override awaitHandlers = true;
  override raiseError = false;
  private readonly settings: Settings;
  /** For chains inside an agent run: by default they get no span (see `chainSpans`). */
  private readonly agentChainSettings: Settings;
  private readonly store: RunStore;

  constructor(options: LLMeterCallbackHandlerOptions = {}) {
    const o = options && typeof options === 'object' ? options : {};
    super({
      ignoreLLM: o.ignoreLLM === true,
      ignoreChain: o.ignoreChain === true,
      ignoreAgent: o.ignoreAgent === true,
      ignoreRetriever: o.ignoreRetriever === true,
      _awaitHandler: true,
    });
    this.awaitHandlers = true;
    this.settings = resolveSettings(o);
    this.agentChainSettings = insideAgentSettings(this.settings);
    this.store = new RunStore(this.settings.maxRuns, this.settings.runTtlMs);
  }

  /** Runs started and not yet ended (a gauge for health checks; 0 when idle). */
  get openRuns(): number {
    return this.store.size;
  }

  /**
   * Ends every open run's span now, marked `llmeter.langchain.run_evicted`
   * (e.g. before shutdown). Runs that ended normally are unaffected.
   */
  endOpenRuns(): void {
    this.guard('endOpenRuns', () => this.store.evictAll());
  }

  /** Run state is keyed by run id, so a copy is the same handler. */
  override copy(): this {
    return this;
  }

  override handleLLMStart(
    llm: unknown,
    prompts: unknown,
    runId: unknown,
    parentRunId?: unknown,
    extraParams?: unknown,
    _tags?: unknown,
    metadata?: unknown,
  ): void {
    this.guard('handleLLMStart', () => {
      if (typeof runId !== 'string') return;
      startModelRun(this.store, this.settings, {
        serialized: llm,
        runId,
        parentRunId: idOf(parentRunId),
        extraParams,
        metadata,
        prompts,
      });
    });
  }

  override handleChatModelStart(
    llm: unknown,
    messages: unknown,
    runId: unknown,
    parentRunId?: unknown,
    extraParams?: unknown,
    _tags?: unknown,
    metadata?: unknown,
  ): void {
    this.guard('handleChatModelStart', () => {
      if (typeof runId !== 'string') return;
      // The callback manager calls once per prompt, each with its own run id.
      const first = Array.isArray(messages) ? messages[0] : undefined;
      startModelRun(this.store, this.settings, {
        serialized: llm,
        runId,
        parentRunId: idOf(parentRunId),
        extraParams,
        metadata,
        messages: Array.isArray(first) ? first : [],
      });
    });
  }

  override handleLLMNewToken(_token: unknown, _idx: unknown, runId: unknown): void {
    const at = performance.now();
    this.guard('handleLLMNewToken', () => {
      const run = this.store.peek(runId);
      if (run?.kind === 'llm') (run as ModelRun).op.chunk(at);
    });
  }

  /**
   * When another handler asks LangChain for chat-model stream events, models
   * report content through these instead of `handleLLMNewToken`: a delta, or
   * a block that starts with content, is a chunk.
   */
  override handleChatModelStreamEvent(event: unknown, runId: unknown): void {
    const at = performance.now();
    this.guard('handleChatModelStreamEvent', () => {
      const run = this.store.peek(runId);
      if (run?.kind === 'llm' && isContentEvent(event)) (run as ModelRun).op.chunk(at);
    });
  }

  override handleLLMEnd(output: unknown, runId: unknown): void {
    this.guard('handleLLMEnd', () => this.store.take(runId)?.end(output));
  }

  override handleLLMError(error: unknown, runId: unknown): void {
    this.guard('handleLLMError', () => this.store.take(runId)?.fail(error));
  }

  /**
   * LangChain calls this as (chain, inputs, runId, parentRunId, tags, metadata,
   * runType, runName, extra) — its own tracers take it so — although the
   * declared signature names the fourth parameter runType.
   */
  override handleChainStart(
    chain: unknown,
    _inputs: unknown,
    runId: unknown,
    parentRunId?: unknown,
    tags?: unknown,
    metadata?: unknown,
    _runType?: unknown,
    runName?: unknown,
  ): void {
    this.guard('handleChainStart', () => {
      if (typeof runId !== 'string') return;
      const parent = idOf(parentRunId);
      const settings = insideAgent(parent) ? this.agentChainSettings : this.settings;
      startChainRun(this.store, settings, {
        serialized: chain,
        runId,
        parentRunId: parent,
        tags,
        metadata,
        runName,
      });
    });
  }

  override handleChainEnd(outputs: unknown, runId: unknown): void {
    this.guard('handleChainEnd', () => this.store.take(runId)?.end(outputs));
  }

  override handleChainError(error: unknown, runId: unknown): void {
    this.guard('handleChainError', () => this.store.take(runId)?.fail(error));
  }

  override handleToolStart(
    tool: unknown,
    input: unknown,
    runId: unknown,
    parentRunId?: unknown,
    _tags?: unknown,
    _metadata?: unknown,
    runName?: unknown,
    toolCallId?: unknown,
  ): void {
    this.guard('handleToolStart', () => {
      if (typeof runId !== 'string') return;
      startToolRun(this.store, this.settings, {
        serialized: tool,
        input,
        runId,
        parentRunId: idOf(parentRunId),
        runName,
        toolCallId,
      });
    });
  }

  override handleToolEnd(output: unknown, runId: unknown): void {
    this.guard('handleToolEnd', () => this.store.take(runId)?.end(output));
  }

  override handleToolError(error: unknown, runId: unknown): void {
    this.guard('handleToolError', () => this.store.take(runId)?.fail(error));
  }

  override handleAgentAction(action: unknown, runId: unknown): void {
    this.guard('handleAgentAction', () => agentAction(runId, action));
  }

  override handleAgentEnd(_finish: unknown, runId: unknown): void {
    this.guard('handleAgentEnd', () => agentFinish(runId));
  }

  override handleRetrieverStart(
    retriever: unknown,
    _query: unknown,
    runId: unknown,
    parentRunId?: unknown,
    _tags?: unknown,
    _metadata?: unknown,
    name?: unknown,
  ): void {
    this.guard('handleRetrieverStart', () => {
      if (typeof runId !== 'string') return;
      startRetrieverRun(this.store, {
        serialized: retriever,
        runId,
        parentRunId: idOf(parentRunId),
        runName: name,
      });
    });
  }

  override handleRetrieverEnd(documents: unknown, runId: unknown): void {
    this.guard('handleRetrieverEnd', () => this.store.take(runId)?.end(documents));
  }

  override handleRetrieverError(error: unknown, runId: unknown): void {
    this.guard('handleRetrieverError', () => this.store.take(runId)?.fail(error));
  }

  /** Telemetry never reaches the user's run: every failure is logged once and swallowed. */
  private guard(site: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      reportInternalError(`langchain.${site}`, error);
    }
  }
}

function isContentEvent(event: unknown): boolean {
  const e = event as { event?: unknown; content?: { text?: unknown } } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.event === 'content-block-delta') return true;
  // A text block opens empty and its text arrives as a delta; other blocks open with content.
  return e.event === 'content-block-start' && !(e.content?.text === '');
}

function idOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Deepest nesting walked up to find an agent: bounded, whatever the run tree holds. */
const MAX_DEPTH = 64;

/** Whether the run `id` is an agent run or runs inside one. */
function insideAgent(id: string | undefined): boolean {
  let run = runById(id);
  for (let depth = 0; run !== undefined && depth < MAX_DEPTH; depth++) {
    if (run.kind === 'agent') return true;
    run = runById(run.parentId);
  }
  return false;
}
