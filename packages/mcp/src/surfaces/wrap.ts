import type { McpFailure, McpOperation } from '@llmeter/core/internal';
import { context } from '@opentelemetry/api';
import { WRAPPED } from '../constants';

// biome-ignore lint/suspicious/noExplicitAny: wraps SDK methods of any signature
export type Fn = (this: any, ...args: any[]) => any;

/** Whether llmeter's wrappers are live: always for instrumentMCP*, while enabled for MCPInstrumentation. */
export type Gate = () => boolean;
export const ALWAYS: Gate = () => true;

export function markWrapped<T extends Fn>(wrapper: T, original: Fn): T {
  Object.defineProperty(wrapper, WRAPPED, { value: original, configurable: true });
  return wrapper;
}

export function isWrapped(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as { [WRAPPED]?: unknown })[WRAPPED] !== undefined;
}

/** Observes a promise the caller also gets, without adding an unhandled rejection. */
export function observe(
  value: unknown,
  onResult: (result: unknown) => void,
  onError: (error: unknown) => void,
): void {
  if (value !== null && typeof (value as Promise<unknown>)?.then === 'function') {
    (value as Promise<unknown>).then(onResult, onError);
  } else {
    onResult(value);
  }
}

/**
 * Runs the SDK's own call inside the operation's context and ends the
 * operation with its outcome; returns exactly what the call returned and
 * rethrows exactly what it threw.
 */
export function runTraced(
  op: McpOperation,
  call: () => unknown,
  failureOf: (error: unknown) => McpFailure | undefined,
  onResult: (result: unknown) => void,
): unknown {
  let pending: unknown;
  try {
    pending = context.with(op.context, call);
  } catch (error) {
    op.fail(error, failureOf(error));
    throw error;
  }
  observe(
    pending,
    (result) => {
      onResult(result);
      op.end(result);
    },
    (error) => op.fail(error, failureOf(error)),
  );
  return pending;
}
