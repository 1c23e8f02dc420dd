import { context } from '@opentelemetry/api';
import { getRecorder } from './init';
import type {
  AgentOperation,
  AgentOutcome,
  AgentStart,
  EvaluationResult,
  GuardrailActivation,
  LLMOperation,
  LLMOperationResult,
  LLMOperationStart,
  ToolOperation,
  ToolStart,
} from './types';

/**
 * Measures an LLM call made by code llmeter has no adapter for. `fn` runs with
 * the operation's span active; call `op.update()`/`op.chunk()` inside it, or
 * return a result and pass `describe` to read usage from it. The call's own
 * result or error comes back unchanged.
 */
export async function withLLMCall<T>(
  start: LLMOperationStart,
  fn: (op: LLMOperation) => T | Promise<T>,
  describe?: (result: T) => LLMOperationResult | undefined,
): Promise<T> {
  const op = getRecorder().startOperation(start);
  let result: T;
  try {
    result = await context.with(op.context, () => fn(op));
  } catch (error) {
    op.fail(error);
    throw error;
  }
  op.end(describeSafely(describe, result));
  return result;
}

/** Measures a tool execution: an `execute_tool` span and `gen_ai.execute_tool.duration`. */
export async function withTool<T>(
  start: ToolStart | string,
  fn: (tool: ToolOperation) => T | Promise<T>,
): Promise<T> {
  const tool = getRecorder().startTool(typeof start === 'string' ? { name: start } : start);
  let result: T;
  try {
    result = await context.with(tool.context, () => fn(tool));
  } catch (error) {
    tool.fail(error);
    throw error;
  }
  tool.end(result);
  return result;
}

/**
 * Measures an agent invocation, counting the LLM and tool calls made inside
 * it (through any adapter or helper), and recording its duration.
 */
export async function withAgent<T>(
  start: AgentStart | string,
  fn: (agent: AgentOperation) => T | Promise<T>,
): Promise<T> {
  const agent = getRecorder().startAgent(typeof start === 'string' ? { name: start } : start);
  let result: T;
  try {
    result = await context.with(agent.context, () => fn(agent));
  } catch (error) {
    agent.fail(error);
    throw error;
  }
  agent.end();
  return result;
}

export function recordGuardrail(activation: GuardrailActivation): void {
  getRecorder().recordGuardrail(activation);
}

export function recordEvaluation(result: EvaluationResult): void {
  getRecorder().recordEvaluation(result);
}

export function recordAgentOutcome(outcome: AgentOutcome): void {
  getRecorder().recordAgentOutcome(outcome);
}

function describeSafely<T>(
  describe: ((result: T) => LLMOperationResult | undefined) | undefined,
  result: T,
): LLMOperationResult | undefined {
  if (!describe) return undefined;
  try {
    return describe(result);
  } catch {
    return undefined; // a faulty describe() costs the usage, never the caller's result
  }
}
