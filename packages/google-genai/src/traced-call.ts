import type { LLMOperation } from '@llmeter/core';
import { getRecorder, reportInternalError, StreamObserver, warnOnce } from '@llmeter/core/internal';
import { type Context, context } from '@opentelemetry/api';
import { errorTypeOf } from './errors';
import { obj } from './parse/values';
import { captureContentFor, clientInfo } from './settings';
import { KIT, observeGenerator } from './stream';
import type { Surface } from './surfaces/surface';

function isContext(value: unknown): value is Context {
  return typeof (value as Context | undefined)?.getValue === 'function';
}

function fail(op: LLMOperation, error: unknown): void {
  try {
    op.fail(error, { errorType: errorTypeOf(error) });
  } catch (e) {
    reportInternalError('google-genai.fail', e);
  }
}

/**
 * What the SDK method's promise settles to. Runs as a reaction registered
 * before the SDK (or the caller) chains on the promise, so a stream is
 * observed before anyone reads it. Never throws: the derived promise it
 * settles must never reject.
 */
class Outcome {
  constructor(
    private readonly op: LLMOperation,
    private readonly surface: Surface,
    private readonly capture: boolean,
  ) {}

  readonly settled = (value: unknown): void => {
    try {
      if (this.surface.streams) {
        const observer = new StreamObserver(this.op, this.surface.accumulator(this.capture), KIT);
        if (observeGenerator(value, observer)) return;
        warnOnce(
          'google-genai.stream-shape',
          '@google/genai stream is not an async generator: not measured',
        );
        this.op.end({ incomplete: true });
        return;
      }
      this.op.end(this.surface.result(value, this.capture));
    } catch (error) {
      reportInternalError('google-genai.result', error);
      try {
        this.op.end();
      } catch {
        // already reported once above
      }
    }
  };

  readonly failed = (error: unknown): void => fail(this.op, error);
}

/**
 * One wrapped `Models` method call (one model request): describe the
 * operation, start it right before the request is issued (time to first chunk
 * counts from here), run the SDK method with the operation's span active, and
 * observe its promise. Fails open: if anything of llmeter's throws before the
 * call, the SDK method runs with the caller's arguments untouched; the SDK's
 * own promise, value and error always reach the caller unchanged.
 */
export function tracedCall(
  surface: Surface,
  original: (...args: unknown[]) => unknown,
  self: unknown,
  args: unknown[],
): unknown {
  let op: LLMOperation | undefined;
  let ctx: Context | undefined;
  let capture = false;
  try {
    const recorder = getRecorder();
    if (recorder.enabled) {
      const info = clientInfo(self);
      capture = captureContentFor(info.settings);
      const start = surface.start(obj(args[0]) ?? {}, capture);
      start.provider = info.provider;
      start.serverAddress = info.serverAddress;
      start.serverPort = info.serverPort;
      op = recorder.startOperation(start);
      ctx = isContext(op?.context) ? op.context : context.active();
    }
  } catch (error) {
    reportInternalError('google-genai.start', error);
    try {
      op?.end();
    } catch {
      // already reported once above
    }
    op = undefined;
  }
  if (!op || !ctx) return Reflect.apply(original, self, args);

  let result: unknown;
  try {
    result = context.with(ctx, () => Reflect.apply(original, self, args));
  } catch (error) {
    fail(op, error);
    throw error;
  }
  try {
    if (result instanceof Promise) {
      const outcome = new Outcome(op, surface, capture);
      // Observing a native promise changes nothing for its other reactions.
      result.then(outcome.settled, outcome.failed);
    } else {
      warnOnce(
        'google-genai.promise-shape',
        '@google/genai method returned no promise: call not measured',
      );
      op.end();
    }
  } catch (error) {
    reportInternalError('google-genai.observe', error);
  }
  return result;
}
