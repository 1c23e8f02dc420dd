import type { LLMOperation } from '@llmeter/core';
import { getRecorder, reportInternalError } from '@llmeter/core/internal';
import { type Context, context } from '@opentelemetry/api';
import { observeAPIPromise } from './api-promise';
import { CallObserver } from './call';
import { obj, str } from './parse/values';
import { withOwnSpan } from './sdk-tracing';
import { captureContentFor, clientInfo } from './settings';
import type { Surface } from './surfaces/surface';

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
  let call: CallObserver | undefined;
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
      // The SDK's own request option for its spans, which llmeter's span stands in for.
      start.conversationId ??= str(obj(obj(args[1])?.openTelemetry)?.conversationId);
      op = recorder.startOperation(start);
      ctx = isContext(op?.context) ? op.context : context.active();
      call = new CallObserver(op, surface, capture, body.stream === true);
      callArgs = withOwnSpan(args, op);
    }
  } catch (error) {
    reportInternalError('anthropic.start', error);
    try {
      op?.end();
    } catch {
      // already reported once above
    }
    op = undefined;
  }
  if (!op || !call || !ctx) return Reflect.apply(original, self, args);

  let result: unknown;
  try {
    result = context.with(ctx, () => Reflect.apply(original, self, callArgs));
  } catch (error) {
    call.failed(error);
    throw error;
  }
  observeAPIPromise(result, call);
  return result;
}
