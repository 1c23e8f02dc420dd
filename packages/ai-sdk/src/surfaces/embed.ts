import { OPERATION } from '@llmeter/core';
import { getRecorder } from '@llmeter/core/internal';
import { findCall } from '../calls';
import { AI_OPERATION, ERROR_TYPE } from '../constants';
import { embeddingUsageOf } from '../parse/result';
import { type Json, str } from '../parse/values';
import { providerName } from '../settings';
import type { LLMeterTelemetryOptions } from '../types';

/**
 * `embed` / `embedMany`: one `embeddings` operation per provider request
 * (`onEmbedStart` → `onEmbedEnd`, by `embedCallId`; `embedMany` may run
 * several at once). The AI SDK retries a failed request without an event of
 * its own: a new attempt of `embed` while the last one is open means that one
 * failed (`error.type` `retried`); the call's error event ends what is left.
 */
export function onEmbedStart(event: Json, settings: LLMeterTelemetryOptions, owner: object): void {
  const record = findCall(event.callId);
  // No record: llmeter was not on when this call started (or another integration owns it).
  if (!record || record.owner !== owner) return;
  const embedCallId = str(event.embedCallId);
  const recorder = getRecorder();
  if (!embedCallId || !recorder.enabled) return;
  if (event.operationId === `${AI_OPERATION.EMBED}.doEmbed`) {
    for (const open of record.embeddings.values())
      open.fail(undefined, { errorType: ERROR_TYPE.RETRIED });
    record.embeddings.clear();
  }
  const op = recorder.startOperation({
    operation: OPERATION.EMBEDDINGS,
    provider: providerName(event.provider, settings),
    requestModel: str(event.modelId),
    parentContext: record.context,
  });
  record.embeddings.set(embedCallId, op);
}

export function onEmbedEnd(event: Json, owner: object): void {
  const record = findCall(event.callId);
  if (!record || record.owner !== owner) return;
  const embedCallId = str(event.embedCallId);
  const op = embedCallId ? record.embeddings.get(embedCallId) : undefined;
  if (!op || !embedCallId) return;
  record.embeddings.delete(embedCallId);
  // The AI SDK reports no response model for embeddings (`modelId` is the requested one).
  op.end({ usage: embeddingUsageOf(event.usage) });
}
