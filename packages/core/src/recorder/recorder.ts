import { type Attributes, context, trace } from '@opentelemetry/api';
import { ATTR } from '../constants';
import { errorType as resolveErrorType } from '../failure';
import { reportInternalError } from '../internal-log';
import * as clean from '../sanitize';
import type {
  AgentOperation,
  AgentOutcome,
  AgentStart,
  EvaluationResult,
  GuardrailActivation,
  LLMOperation,
  LLMOperationStart,
  ToolOperation,
  ToolStart,
  WorkflowOperation,
  WorkflowStart,
} from '../types';
import { AgentInvocation, Workflow } from './agent';
import type { ObservedRun } from './coordination';
import { InferenceOperation } from './inference';
import {
  type McpOperation,
  McpRequest,
  type McpSession,
  type McpStart,
  NOOP_MCP,
  recordMcpSession,
} from './mcp';
import { NOOP_AGENT, NOOP_OPERATION, NOOP_RETRIEVAL, NOOP_TOOL, NOOP_WORKFLOW } from './noop';
import { Retrieval, type RetrievalOperation, type RetrievalStart } from './retrieval';
import { type RecorderDeps, setDefined } from './shared';
import { ToolExecution } from './tool';

/** A request this application served on an OpenAI-compatible route (Express adapter). */
export interface ServedRequest {
  operation?: string;
  provider?: string;
  requestModel?: string;
  responseModel?: string;
  serverAddress?: string;
  serverPort?: number;
  durationS: number;
  timeToFirstTokenS?: number;
  /** One observation per output token after the first. */
  timePerOutputTokenS?: number[];
  errorType?: string;
}

/** A time a histogram takes: finite and not negative. */
function isTiming(t: unknown): boolean {
  return typeof t === 'number' && Number.isFinite(t) && t >= 0;
}

/**
 * The one entry point adapters and users describe operations to. It feeds
 * spans, OTel metrics, prom-client series and the log line, and never throws:
 * a failure inside returns a no-op handle and is logged once.
 */
export class Recorder {
  constructor(private readonly deps: RecorderDeps | undefined) {}

  /** True when init() ran and llmeter is not disabled. */
  get enabled(): boolean {
    return this.deps !== undefined;
  }

  /**
   * `observed`: for a framework that observes model runs rather than wrapping
   * them (LangChain), the run this operation measures, so that an SDK adapter's
   * operation under it is counted once (coordination.ts).
   */
  startOperation(start: LLMOperationStart = {}, observed?: ObservedRun): LLMOperation {
    if (!this.deps) return NOOP_OPERATION;
    try {
      return new InferenceOperation(this.deps, start ?? {}, observed);
    } catch (error) {
      reportInternalError('recorder.startOperation', error);
      return NOOP_OPERATION;
    }
  }

  startTool(start: ToolStart): ToolOperation {
    if (!this.deps) return NOOP_TOOL;
    try {
      return new ToolExecution(this.deps, start ?? { name: 'unknown_tool' });
    } catch (error) {
      reportInternalError('recorder.startTool', error);
      return NOOP_TOOL;
    }
  }

  startAgent(start: AgentStart): AgentOperation {
    if (!this.deps) return NOOP_AGENT;
    try {
      return new AgentInvocation(this.deps, start ?? { name: 'unknown_agent' });
    } catch (error) {
      reportInternalError('recorder.startAgent', error);
      return NOOP_AGENT;
    }
  }

  startWorkflow(start: WorkflowStart): WorkflowOperation {
    if (!this.deps) return NOOP_WORKFLOW;
    try {
      return new Workflow(this.deps, start ?? { name: 'workflow' });
    } catch (error) {
      reportInternalError('recorder.startWorkflow', error);
      return NOOP_WORKFLOW;
    }
  }

  startRetrieval(start: RetrievalStart): RetrievalOperation {
    if (!this.deps) return NOOP_RETRIEVAL;
    try {
      return new Retrieval(this.deps, start ?? { name: 'retriever' });
    } catch (error) {
      reportInternalError('recorder.startRetrieval', error);
      return NOOP_RETRIEVAL;
    }
  }

  /** One MCP request, sent or handled (@llmeter/mcp). */
  startMcp(start: McpStart): McpOperation {
    if (!this.deps) return NOOP_MCP;
    try {
      return new McpRequest(this.deps, start);
    } catch (error) {
      reportInternalError('recorder.startMcp', error);
      return NOOP_MCP;
    }
  }

  recordMcpSession(session: McpSession): void {
    this.safely('recorder.recordMcpSession', (deps) => recordMcpSession(deps, session));
  }

  recordGuardrail(activation: GuardrailActivation): void {
    this.safely('recorder.recordGuardrail', (deps) => {
      const attrs: Attributes = {
        [ATTR.LLMETER_GUARDRAIL_NAME]: clean.name(activation?.name) ?? 'unknown',
        [ATTR.LLMETER_GUARDRAIL_ACTION]: clean.name(activation?.action) ?? 'flagged',
      };
      deps.metrics?.record('guardrailActivations', 1, attrs);
      trace.getSpan(context.active())?.addEvent('llmeter.guardrail.activation', attrs);
    });
  }

  recordEvaluation(result: EvaluationResult): void {
    this.safely('recorder.recordEvaluation', (deps) => {
      const attrs: Attributes = {
        [ATTR.EVALUATION_NAME]: clean.name(result?.name) ?? 'unknown',
        [ATTR.EVALUATION_SCORE_LABEL]: clean.name(result?.scoreLabel) ?? 'unknown',
      };
      deps.metrics?.record('evaluationResults', 1, attrs);
      const event = { ...attrs };
      setDefined(event, ATTR.EVALUATION_SCORE_VALUE, clean.finiteNumber(result?.scoreValue));
      trace.getSpan(context.active())?.addEvent('gen_ai.evaluation.result', event);
    });
  }

  recordAgentOutcome(outcome: AgentOutcome): void {
    this.safely('recorder.recordAgentOutcome', (deps) => {
      deps.metrics?.record('agentOutcomes', 1, {
        [ATTR.AGENT_NAME]: clean.name(outcome?.agentName) ?? 'unknown_agent',
        [ATTR.LLMETER_AGENT_OUTCOME]: outcome?.outcome === 'success' ? 'success' : 'failure',
      });
    });
  }

  recordServedRequest(request: ServedRequest): void {
    this.safely('recorder.recordServedRequest', (deps) => {
      const attrs: Attributes = {
        [ATTR.OPERATION_NAME]: clean.name(request.operation) ?? 'chat',
        [ATTR.PROVIDER_NAME]: clean.name(request.provider) ?? 'openai',
      };
      setDefined(attrs, ATTR.REQUEST_MODEL, clean.name(request.requestModel));
      setDefined(attrs, ATTR.RESPONSE_MODEL, clean.name(request.responseModel));
      setDefined(attrs, ATTR.SERVER_ADDRESS, clean.name(request.serverAddress));
      setDefined(attrs, ATTR.SERVER_PORT, clean.port(request.serverPort));
      // A type from a known set (a status, a provider type), never the body's own words.
      const errorType =
        request.errorType === undefined
          ? undefined
          : resolveErrorType(undefined, request.errorType);
      const withError = errorType ? { ...attrs, [ATTR.ERROR_TYPE]: errorType } : attrs;
      const metrics = deps.metrics;
      const duration = request.durationS;
      if (isTiming(duration)) metrics?.record('serverRequestDuration', duration, withError);
      if (errorType) return; // token timings describe successful requests only
      const ttft = request.timeToFirstTokenS;
      if (ttft !== undefined && isTiming(ttft)) {
        metrics?.record('serverTimeToFirstToken', ttft, attrs);
      }
      const perToken = request.timePerOutputTokenS;
      if (Array.isArray(perToken) && perToken.length > 0) {
        // One recordMany per request, not a record per token: the cardinality check and
        // the series lookup ran once per streamed chunk (~1.5 µs of 4.2, serving.mjs profile).
        const valid = perToken.every(isTiming) ? perToken : perToken.filter(isTiming);
        metrics?.recordMany('serverTimePerOutputToken', valid, attrs);
      }
    });
  }

  private safely(site: string, fn: (deps: RecorderDeps) => void): void {
    if (!this.deps) return;
    try {
      fn(this.deps);
    } catch (error) {
      reportInternalError(site, error);
    }
  }
}

/** The recorder used before init() and when llmeter is disabled. */
export const NOOP_RECORDER = new Recorder(undefined);
