import type { IncomingMessage } from 'node:http';
import type { AgentOperation } from '@llmeter/core';
import type { Context, Span } from '@opentelemetry/api';

/** What the middlewares of one request share. Kept off the request object itself. */
export interface RequestState {
  /** performance.now() when llmeter first saw the request. */
  readonly startTime: number;
  /** The SERVER span llmeter started (absent when another instrumentation owns it). */
  readonly serverSpan: Span | undefined;
  /** The context handlers run in: server span, then the innermost agent. */
  context: Context;
  /** Agents started for this request, outermost first; ended innermost first. */
  readonly agents: AgentOperation[];
  /** The error llmeterErrorHandler saw, if any. */
  error?: unknown;
  errorSeen: boolean;
  /** `http.route` as soon as a route matched (read again at the end). */
  route?: string;
  ended: boolean;
}

const states = new WeakMap<IncomingMessage, RequestState>();

export function getRequestState(req: IncomingMessage): RequestState | undefined {
  return states.get(req);
}

export function setRequestState(req: IncomingMessage, state: RequestState): void {
  states.set(req, state);
}
