import { OPERATION } from '@llmeter/core';
import { getRecorder } from '@llmeter/core/internal';
import { findCall } from '../calls';
import { inputMessages, outputMessage } from '../parse/messages';
import { finishReasonOf, usageOf } from '../parse/result';
import { type Json, num, obj, str } from '../parse/values';
import { captureContentFor, providerName } from '../settings';
import type { LLMeterTelemetryOptions } from '../types';

/**
 * `generateObject` / `streamObject` (deprecated in ai 7, still supported):
 * their one model call is reported by `onObjectStepStart` / `onObjectStepEnd`
 * rather than through `executeLanguageModelCall`, so the `chat` operation
 * spans those two events (retries included) and its time to first chunk is
 * the AI SDK's `msToFirstChunk`.
 */
export function onObjectStepStart(
  event: Json,
  settings: LLMeterTelemetryOptions,
  owner: object,
): void {
  const record = findCall(event.callId);
  if (!record || record.owner !== owner) return;
  const recorder = getRecorder();
  if (!recorder.enabled) return;
  const startTime = performance.now();
  const op = recorder.startOperation({
    operation: OPERATION.CHAT,
    provider: providerName(event.provider, settings),
    requestModel: str(event.modelId),
    request: { stream: record.stream },
    startTime,
    parentContext: record.context,
    inputMessages: captureContentFor(settings, event, 'inputs')
      ? inputMessages(event.promptMessages)
      : undefined,
  });
  record.inferences.set(op, startTime);
}

export function onObjectStepEnd(
  event: Json,
  settings: LLMeterTelemetryOptions,
  owner: object,
): void {
  const record = findCall(event.callId);
  if (!record || record.owner !== owner) return;
  const response = obj(event.response);
  const reason = finishReasonOf(event.finishReason);
  for (const [op, startedAt] of record.inferences) {
    record.inferences.delete(op);
    const ttftMs = num(event.msToFirstChunk);
    if (ttftMs !== undefined) op.chunk(startedAt + ttftMs);
    op.end({
      responseModel: str(response?.modelId),
      responseId: str(response?.id),
      finishReasons: reason ? [reason] : undefined,
      usage: usageOf(event.usage),
      outputMessages: captureContentFor(settings, event, 'outputs')
        ? [outputMessage([{ type: 'text', text: event.objectText }], reason)]
        : undefined,
    });
  }
}
