import { type LLMOperation, type LLMOperationStart, OPERATION } from '@llmeter/core';
import { getRecorder, reportInternalError } from '@llmeter/core/internal';
import { context } from '@opentelemetry/api';
import { findCall } from '../calls';
import { errorTypeOf } from '../parse/errors';
import { inputMessages, outputMessage, systemInstructions } from '../parse/messages';
import { finishReasonOf, generateResultOf, usageOf } from '../parse/result';
import { type Json, num, obj, str } from '../parse/values';
import { captureContentFor, providerName } from '../settings';
import type { LLMeterTelemetryOptions } from '../types';
import { isReadableStream, observeModelStream } from './model-stream';

/** Request parameters of a language model call, as the AI SDK hands them to the start event. */
function requestOf(event: Json, stream: boolean): LLMOperationStart['request'] {
  const stop = event.stopSequences;
  return {
    maxTokens: num(event.maxOutputTokens),
    temperature: num(event.temperature),
    topP: num(event.topP),
    frequencyPenalty: num(event.frequencyPenalty),
    presencePenalty: num(event.presencePenalty),
    stopSequences: Array.isArray(stop) ? stop.filter((s) => typeof s === 'string') : undefined,
    seed: num(event.seed),
    stream,
  };
}

type Execute<T> = () => PromiseLike<T>;

/**
 * `Telemetry.executeLanguageModelCall`: the AI SDK runs every provider
 * request of `generateText`/`streamText` (each step, each retry attempt)
 * through it. One `chat` operation per request: started right before it is
 * issued, its span active while the provider runs (HTTP spans nest under it,
 * and an instrumented SDK client called by a custom provider finds it and is
 * counted once), ended from what the provider returned, or from the stream's
 * parts when it streams. The provider's result or error is returned unchanged.
 */
export async function executeLanguageModelCall<T>(
  options: Json & { execute: Execute<T> },
  settings: LLMeterTelemetryOptions,
  owner: object,
): Promise<T> {
  const execute = options.execute;
  let op: LLMOperation | undefined;
  let capture = false;
  try {
    op = startModelCall(options, settings, owner);
    capture = op !== undefined && captureContentFor(settings, options, 'outputs');
  } catch (error) {
    reportInternalError('ai-sdk.model.start', error);
  }
  if (!op) return await execute();
  const started = op;
  let result: T;
  try {
    result = await context.with(started.context, execute);
  } catch (error) {
    findCall(options.callId)?.inferences.delete(started);
    finish(started, error);
    throw error;
  }
  try {
    const stream = obj(result)?.stream;
    if (isReadableStream(stream)) {
      // Replaced in place on the AI SDK's result object, which it reads the stream from next. Where
      // that fails (a read-only copy), the stream is left alone and onLanguageModelCallEnd ends the call.
      Reflect.set(
        result as object,
        'stream',
        observeModelStream(stream, started, findCall(options.callId), capture),
      );
    } else {
      findCall(options.callId)?.inferences.delete(started);
      const ended = generateResultOf(result);
      if (capture) {
        ended.outputMessages = [outputMessage(obj(result)?.content, ended.finishReasons?.[0])];
      }
      started.end(ended);
    }
  } catch (error) {
    reportInternalError('ai-sdk.model.end', error);
    started.end();
  }
  return result;
}

function startModelCall(
  options: Json,
  settings: LLMeterTelemetryOptions,
  owner: object,
): LLMOperation | undefined {
  const recorder = getRecorder();
  if (!recorder.enabled) return undefined;
  const record = findCall(options.callId);
  // Not a call this integration records (another llmeter integration does, or an AI SDK
  // operation it does not know): nothing would end the operation, so none is started.
  if (!record || record.owner !== owner) return undefined;
  const start: LLMOperationStart = {
    operation: OPERATION.CHAT,
    provider: providerName(options.provider, settings),
    requestModel: str(options.modelId),
    request: requestOf(options, record.stream),
    parentContext: record.context,
  };
  if (captureContentFor(settings, options, 'inputs')) {
    start.inputMessages = inputMessages(options.messages);
    start.systemInstructions = systemInstructions(options.instructions ?? options.system);
    if (Array.isArray(options.tools)) start.toolDefinitions = options.tools;
  }
  const startTime = performance.now();
  start.startTime = startTime;
  const op = recorder.startOperation(start);
  record.inferences.set(op, startTime);
  return op;
}

function finish(op: LLMOperation, error: unknown): void {
  try {
    op.fail(error, { errorType: errorTypeOf(error) });
  } catch (e) {
    reportInternalError('ai-sdk.model.fail', e);
  }
}

/**
 * `Telemetry.onLanguageModelCallEnd`: ends a streamed model call whose stream
 * llmeter could not read (the AI SDK handed the stream on in a copy of its
 * result), from the event's usage, response model and time to first output.
 * A call whose stream was read has already ended by then: nothing to do.
 */
export function onLanguageModelCallEnd(event: Json, settings: LLMeterTelemetryOptions): void {
  const record = findCall(event.callId);
  if (!record) return;
  const capture = record.inferences.size > 0 && captureContentFor(settings, event, 'outputs');
  for (const [op, startedAt] of record.inferences) {
    record.inferences.delete(op);
    const ttftMs = num(obj(event.performance)?.timeToFirstOutputMs);
    if (ttftMs !== undefined) op.chunk(startedAt + ttftMs);
    const reason = finishReasonOf(event.finishReason);
    op.end({
      responseModel: str(event.modelId),
      responseId: str(event.responseId),
      finishReasons: reason ? [reason] : undefined,
      usage: usageOf(event.usage),
      outputMessages: capture ? [outputMessage(event.content, reason)] : undefined,
    });
  }
}
