import { context, trace } from '@opentelemetry/api';
import type { AgentOperation, LLMOperation, ToolOperation, WorkflowOperation } from '../types';
import type { RetrievalOperation } from './retrieval';

/**
 * Handles returned when llmeter is disabled, not initialised, or failed to
 * start an operation: same shape, no work, and the caller's context unchanged.
 */
const span = trace.wrapSpanContext({
  traceId: '0'.repeat(32),
  spanId: '0'.repeat(16),
  traceFlags: 0,
});
const noop = () => {};

export const NOOP_OPERATION: LLMOperation = {
  span,
  get context() {
    return context.active();
  },
  nested: false,
  chunk: noop,
  update: noop,
  end: noop,
  fail: noop,
};

export const NOOP_TOOL: ToolOperation = {
  span,
  get context() {
    return context.active();
  },
  end: noop,
  fail: noop,
};

export const NOOP_AGENT: AgentOperation = {
  span,
  get context() {
    return context.active();
  },
  inferenceCalls: 0,
  toolCalls: 0,
  countInferenceCall: noop,
  countToolCall: noop,
  end: noop,
  fail: noop,
};

export const NOOP_WORKFLOW: WorkflowOperation = {
  span,
  get context() {
    return context.active();
  },
  end: noop,
  fail: noop,
};

export const NOOP_RETRIEVAL: RetrievalOperation = {
  span,
  get context() {
    return context.active();
  },
  end: noop,
  fail: noop,
};
