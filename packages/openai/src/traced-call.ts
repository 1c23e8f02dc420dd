import type { LLMOperation } from '@llmeter/core';
import { getRecorder, reportInternalError, watchAbandonment } from '@llmeter/core/internal';
import { type Context, context } from '@opentelemetry/api';
import { CallObserver, observeAPIPromise } from './api-promise';
import { type Json, obj } from './parse/values';
import { captureContentFor, clientInfo, streamIncludeUsageFor } from './settings';
import type { Surface } from './surfaces/surface';

/** The request body with `stream_options.include_usage` added; the caller's object is not touched. */
function withIncludeUsage(args: unknown[], body: Json): unknown[] {
  const copy = args.slice();
  copy[0] = { ...body, stream_options: { ...obj(body.stream_options), include_usage: true } };
  return copy;
}

function isContext(value: unknown): value is Context {
  return typeof (value as Context | undefined)?.getValue === 'function';
}

/**
 * One wrapped SDK call: describe the operation, start it right before the
 * request is issued (time to first chunk counts from here), run the SDK
 * method with the operation's span active, and observe what it returns in
 * place. Fails open: if anything of llmeter's throws before the call, the SDK
 * method runs with the caller's arguments untouched; the SDK's own result or
 * error always reaches the caller unchanged.
 */
export function tracedCall(
  surface: Surface,
  original: (...args: unknown[]) => unknown,
  self: unknown,
  args: unknown[],
  client: unknown,
): unknown {
  let op: LLMOperation | undefined;
  let observer: CallObserver | undefined;
  let ctx: Context | undefined;
  let callArgs = args;
  try {
    const recorder = getRecorder();
    if (recorder.enabled) {
      const body = obj(args[0]) ?? {};
      const info = clientInfo(client);
      const capture = captureContentFor(info.settings);
      const start = surface.start(body, capture);
      start.provider = info.provider;
      start.serverAddress = info.serverAddress;
      start.serverPort = info.serverPort;
      const streaming = body.stream === true;
      if (
        streaming &&
        surface.acceptsStreamOptions &&
        obj(body.stream_options)?.include_usage === undefined &&
        streamIncludeUsageFor(info.settings)
      ) {
        callArgs = withIncludeUsage(args, body);
      }
      op = recorder.startOperation(start);
      ctx = isContext(op?.context) ? op.context : context.active();
      observer = new CallObserver(op, surface, capture, streaming);
    }
  } catch (error) {
    reportInternalError('openai.start', error);
    try {
      op?.end();
    } catch {
      // already reported once above
    }
    op = undefined;
  }
  if (!op || !observer || !ctx) return Reflect.apply(original, self, args);

  let result: unknown;
  try {
    result = context.with(ctx, () => Reflect.apply(original, self, callArgs));
  } catch (error) {
    observer.failed(error);
    throw error;
  }
  try {
    observeAPIPromise(result, observer);
    watchAbandonment(result, observer);
  } catch (error) {
    reportInternalError('openai.observe', error);
    observer.end();
  }
  return result;
}
