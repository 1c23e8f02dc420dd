import type { AgentOperation, LLMOperation, ToolOperation, WorkflowOperation } from '@llmeter/core';
import { reportInternalError, warnOnce } from '@llmeter/core/internal';
import type { Context } from '@opentelemetry/api';
import { ERROR_TYPE, MAX_OPEN_CALLS, OPEN_CALLS } from './constants';

/**
 * One AI SDK call in progress (a `generateText`, `embedMany`, ...), by the
 * `callId` every one of its telemetry events carries: the operation around
 * it and the model calls and tool executions still open inside it.
 */
export class CallRecord {
  /** Model calls in flight (one at a time in a text call), with the performance.now() each started at. */
  readonly inferences = new Map<LLMOperation, number>();
  /** Embeddings calls by `embedCallId`. */
  readonly embeddings = new Map<string, LLMOperation>();
  /** Tool executions by `toolCallId`. */
  readonly tools = new Map<string, ToolOperation>();

  constructor(
    /** The integration instance that records this call (two llmeter integrations on one call count once). */
    readonly owner: object,
    readonly outer: AgentOperation | WorkflowOperation | undefined,
    /** Parent of the call's model and tool operations. */
    readonly context: Context,
    /** A streaming call (`streamText`, `streamObject`): its model calls are streamed. */
    readonly stream: boolean,
  ) {}

  /** Ends whatever is still open inside: a failure ends them failed, a normal end as unfinished. */
  closeInner(error: unknown, errorType: string | undefined): void {
    for (const op of this.inferences.keys()) op.fail(error, { errorType, incomplete: true });
    this.inferences.clear();
    for (const op of this.embeddings.values()) op.fail(error, { errorType });
    this.embeddings.clear();
    for (const tool of this.tools.values()) tool.fail(error, errorType);
    this.tools.clear();
  }
}

type Holder = typeof globalThis & { [OPEN_CALLS]?: Map<string, CallRecord> };

/** Shared through globalThis, so the ESM and CommonJS builds see the same calls. */
function openCalls(): Map<string, CallRecord> {
  const holder = globalThis as Holder;
  holder[OPEN_CALLS] ??= new Map();
  return holder[OPEN_CALLS];
}

export function findCall(callId: unknown): CallRecord | undefined {
  return typeof callId === 'string' ? openCalls().get(callId) : undefined;
}

export function openCall(callId: string, record: CallRecord): void {
  const calls = openCalls();
  if (calls.size >= MAX_OPEN_CALLS) {
    // Every call ends through onEnd/onError/onAbort; this only guards against an AI SDK that stops sending them.
    warnOnce('ai-sdk.calls.full', 'too many AI SDK calls without an end event; ending the oldest');
    const oldest = calls.keys().next().value;
    if (oldest !== undefined) closeCall(oldest, undefined, ERROR_TYPE.UNFINISHED);
  }
  calls.set(callId, record);
}

/** Removes a call and ends it: failed when `errorType` is given, else ended normally. */
export function closeCall(callId: unknown, error: unknown, errorType: string | undefined): void {
  const record = findCall(callId);
  if (!record) return;
  openCalls().delete(callId as string);
  try {
    record.closeInner(error, errorType ?? ERROR_TYPE.UNFINISHED);
    if (errorType !== undefined) record.outer?.fail(error, errorType);
    else record.outer?.end();
  } catch (e) {
    reportInternalError('ai-sdk.close', e);
  }
}
