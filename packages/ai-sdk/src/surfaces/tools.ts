import { getRecorder } from '@llmeter/core/internal';
import { context } from '@opentelemetry/api';
import { findCall } from '../calls';
import { type Json, obj, str } from '../parse/values';
import { captureContentFor } from '../settings';
import type { LLMeterTelemetryOptions } from '../types';

/**
 * Tool executions of `generateText` / `streamText`: one `execute_tool`
 * operation from `onToolExecutionStart` to `onToolExecutionEnd`, keyed by
 * the tool call id, a child of the call's `invoke_agent` (which counts it).
 */
export function onToolExecutionStart(
  event: Json,
  settings: LLMeterTelemetryOptions,
  owner: object,
): void {
  const record = findCall(event.callId);
  if (!record || record.owner !== owner) return;
  const call = obj(event.toolCall);
  const callId = str(call?.toolCallId);
  const recorder = getRecorder();
  if (!callId || !recorder.enabled) return;
  const tool = recorder.startTool({
    name: str(call?.toolName) ?? 'unknown_tool',
    callId,
    type: 'function',
    // Recorded by core only with content capture on; built here only when this integration records it.
    arguments: captureContentFor(settings, event, 'inputs') ? call?.input : undefined,
    parentContext: record.context,
  });
  record.tools.set(callId, tool);
}

export function onToolExecutionEnd(
  event: Json,
  settings: LLMeterTelemetryOptions,
  owner: object,
): void {
  const record = findCall(event.callId);
  if (!record || record.owner !== owner) return;
  const callId = str(obj(event.toolCall)?.toolCallId);
  const tool = callId ? record.tools.get(callId) : undefined;
  if (!tool || !callId) return;
  record.tools.delete(callId);
  const output = obj(event.toolOutput);
  if (output?.type === 'tool-error') tool.fail(output.error);
  else tool.end(captureContentFor(settings, event, 'outputs') ? output?.output : undefined);
}

/**
 * `Telemetry.executeTool`: the tool's `execute` runs with its `execute_tool`
 * span active, so what the tool does (an HTTP call, a nested `generateText`)
 * nests under it. Its result or error passes through unchanged.
 */
export function executeTool<T>(options: Json & { execute: () => PromiseLike<T> }): PromiseLike<T> {
  let ctx: ReturnType<typeof context.active> | undefined;
  try {
    const callId = str(options.toolCallId);
    ctx = callId ? findCall(options.callId)?.tools.get(callId)?.context : undefined;
  } catch {
    ctx = undefined;
  }
  return ctx ? context.with(ctx, options.execute) : options.execute();
}
