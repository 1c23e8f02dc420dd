import { type Attributes, type Context, context, type Span, SpanKind } from '@opentelemetry/api';
import { ATTR, DEFAULT_PROVIDER, OPERATION } from '../constants';
import { failSpan, errorType as resolveErrorType } from '../failure';
import { reportInternalError } from '../internal-log';
import * as clean from '../sanitize';
import type { AgentOperation, AgentStart, WorkflowOperation, WorkflowStart } from '../types';
import { AGENT_KEY, type AgentLink } from './context-keys';
import { operationContext } from './operation-context';
import {
  epochMs,
  exemplarOf,
  type RecorderDeps,
  setDefined,
  startInternalSpan,
  startSpan,
} from './shared';

/**
 * One agent invocation: an `invoke_agent` span, its duration, and the number
 * of inference and tool calls made inside it (operations started in
 * `context` count themselves; adapters may also count explicitly).
 */
export class AgentInvocation implements AgentOperation, AgentLink {
  readonly span: Span;
  readonly context: Context;
  inferenceCalls = 0;
  toolCalls = 0;
  private ended = false;
  private readonly name: string;
  private readonly startTime: number;

  constructor(
    private readonly deps: RecorderDeps,
    start: AgentStart,
  ) {
    const parent = start.parentContext ?? context.active();
    this.name = clean.name(start.name) ?? 'unknown_agent';
    this.startTime = clean.finiteNumber(start.startTime) ?? performance.now();
    const attrs: Attributes = {
      [ATTR.OPERATION_NAME]: OPERATION.INVOKE_AGENT,
      [ATTR.AGENT_NAME]: this.name,
      [ATTR.PROVIDER_NAME]: clean.name(start.provider) ?? DEFAULT_PROVIDER,
    };
    setDefined(attrs, ATTR.AGENT_ID, clean.id(start.id));
    setDefined(attrs, ATTR.AGENT_DESCRIPTION, clean.name(start.description));
    setDefined(attrs, ATTR.CONVERSATION_ID, clean.id(start.conversationId));
    setDefined(attrs, ATTR.REQUEST_MODEL, clean.name(start.requestModel));
    this.span = startSpan(
      deps,
      `${OPERATION.INVOKE_AGENT} ${this.name}`,
      { kind: SpanKind.INTERNAL, attributes: attrs, startTime: epochMs(this.startTime) },
      parent,
    );
    this.context = operationContext(parent, this.span, AGENT_KEY, this);
  }

  countInferenceCall(): void {
    if (!this.ended) this.inferenceCalls++;
  }

  countToolCall(): void {
    if (!this.ended) this.toolCalls++;
  }

  end(): void {
    this.finish(undefined, undefined);
  }

  fail(error: unknown, errorType?: string): void {
    this.finish(error, resolveErrorType(error, errorType));
  }

  private finish(error: unknown, errorType: string | undefined): void {
    if (this.ended) return;
    this.ended = true;
    const endTime = performance.now();
    try {
      if (this.span.isRecording()) {
        this.span.setAttributes({
          [ATTR.LLMETER_AGENT_INFERENCE_CALLS]: this.inferenceCalls,
          [ATTR.LLMETER_AGENT_TOOL_CALLS]: this.toolCalls,
        });
        if (errorType !== undefined) failSpan(this.span, error, errorType);
      }
      const agent = { [ATTR.AGENT_NAME]: this.name };
      const metrics = this.deps.metrics;
      metrics?.record(
        'invokeAgentDuration',
        Math.max(0, endTime - this.startTime) / 1000,
        errorType === undefined ? agent : { ...agent, [ATTR.ERROR_TYPE]: errorType },
        exemplarOf(this.span),
      );
      metrics?.record('invokeAgentToolCalls', this.toolCalls, agent);
      metrics?.record('invokeAgentInferenceCalls', this.inferenceCalls, agent);
    } catch (e) {
      reportInternalError('agent.end', e);
    } finally {
      this.span.end(epochMs(endTime));
    }
  }
}

/** A chain or workflow step: an `invoke_workflow` span, no metrics of its own. */
export class Workflow implements WorkflowOperation {
  readonly span: Span;
  readonly context: Context;
  private ended = false;

  constructor(deps: RecorderDeps, start: WorkflowStart) {
    const name = clean.name(start.name) ?? 'workflow';
    const started = startInternalSpan(
      deps,
      OPERATION.INVOKE_WORKFLOW,
      name,
      { [ATTR.LLMETER_WORKFLOW_NAME]: name },
      start,
    );
    this.span = started.span;
    this.context = started.context;
  }

  end(attributes?: Attributes): void {
    if (this.ended) return;
    this.ended = true;
    const endTime = performance.now();
    try {
      if (attributes && this.span.isRecording()) {
        const attrs: Attributes = {};
        for (const key of Object.keys(attributes)) setDefined(attrs, key, attributes[key]);
        this.span.setAttributes(attrs);
      }
    } catch (e) {
      reportInternalError('workflow.end', e);
    }
    // The same clock as the start time, as the other operations end theirs.
    this.span.end(epochMs(endTime));
  }

  fail(error: unknown, errorType?: string): void {
    if (this.ended) return;
    try {
      failSpan(this.span, error, resolveErrorType(error, errorType));
    } catch (e) {
      reportInternalError('workflow.fail', e);
    }
    this.end();
  }
}
