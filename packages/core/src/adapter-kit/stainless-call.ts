import { type Context, context } from '@opentelemetry/api';
import { getRecorder } from '../init';
import { reportInternalError } from '../internal-log';
import { type Json, obj } from '../json-values';
import { watchAbandonment } from '../recorder/abandoned';
import type { LLMOperation, LLMOperationStart } from '../types';
import { StainlessCall, type StainlessPromises, type StainlessSurface } from './stainless-promise';
import type { AdapterKit } from './stream-observer';

/** What an adapter knows of a client, resolved once per client (cached by the adapter). */
export interface ClientDescription {
  readonly provider?: string;
  readonly serverAddress?: string;
  readonly serverPort?: number;
}

/**
 * The SDK-specific half of a wrapped Stainless SDK call. One constant object
 * per adapter: nothing here is allocated per call.
 */
export interface StainlessAdapter<S extends StainlessSurface, C extends ClientDescription> {
  readonly kit: AdapterKit;
  readonly promises: StainlessPromises;
  /** The client's settings and server, cached per client. */
  describeClient(client: unknown): C;
  /** Whether content is captured for calls of this client. */
  captureContent(client: C): boolean;
  /** The operation's description (provider and server are added from the client). */
  start(surface: S, body: Json, capture: boolean, args: unknown[]): LLMOperationStart;
  /**
   * The arguments to call the SDK with, once the operation started: `args`
   * itself unless the adapter adds a request option (a copy; the caller's
   * objects are never touched).
   */
  callArgs?(surface: S, body: Json, args: unknown[], client: C, op: LLMOperation): unknown[];
}

function isContext(value: unknown): value is Context {
  return typeof (value as Context | undefined)?.getValue === 'function';
}

/**
 * One wrapped SDK call: describe the operation, start it right before the
 * request is issued (time to first chunk counts from here), run the SDK
 * method with the operation's span active, and observe what it returns in
 * place; what the caller may drop is registered for abandonment. Fails open:
 * if anything of llmeter's throws before the call, the SDK method runs with
 * the caller's arguments untouched; the SDK's own result or error always
 * reaches the caller unchanged.
 */
export function tracedStainlessCall<S extends StainlessSurface, C extends ClientDescription>(
  adapter: StainlessAdapter<S, C>,
  surface: S,
  original: (...args: unknown[]) => unknown,
  self: unknown,
  args: unknown[],
  client: unknown,
): unknown {
  let op: LLMOperation | undefined;
  let call: StainlessCall | undefined;
  let ctx: Context | undefined;
  let callArgs = args;
  try {
    const recorder = getRecorder();
    if (recorder.enabled) {
      const body = obj(args[0]) ?? {};
      const info = adapter.describeClient(client);
      const capture = adapter.captureContent(info);
      const start = adapter.start(surface, body, capture, args);
      start.provider = info.provider;
      start.serverAddress = info.serverAddress;
      start.serverPort = info.serverPort;
      op = recorder.startOperation(start);
      ctx = isContext(op?.context) ? op.context : context.active();
      call = new StainlessCall(op, surface, capture, body.stream === true, adapter.kit);
      if (adapter.callArgs) callArgs = adapter.callArgs(surface, body, args, info, op);
    }
  } catch (error) {
    reportInternalError(`${adapter.kit.name}.start`, error);
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
  adapter.promises.observe(result, call);
  watchAbandonment(result, call);
  return result;
}
