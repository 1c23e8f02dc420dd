import { errorType, getRecorder, reportInternalError } from '@llmeter/core/internal';
import { JSONRPC_VERSION } from '../constants';
import { clientFailure } from '../errors';
import { sideOf, stateOf, transportInfoOf } from '../settings';
import { type Fn, type Gate, markWrapped, observe } from './wrap';

/**
 * `connect()` opens a session, `_onclose()` (the SDK's reaction to its
 * transport closing, whoever closed it) ends it: `mcp.client.session.duration`
 * or `mcp.server.session.duration`. A connect that fails ends its session
 * with that error's type.
 */
export function tracedConnect(original: Fn, gate: Gate): Fn {
  return markWrapped(function connect(this: object, ...args: unknown[]) {
    if (!gate()) return Reflect.apply(original, this, args);
    const state = opened(this);
    const pending = Reflect.apply(original, this, args);
    if (state) {
      observe(
        pending,
        () => {
          state.connecting = false;
          transportInfoOf(this, state);
          if (state.closedWhileConnecting) closeSession(this, undefined);
        },
        (error) => {
          state.connecting = false;
          closeSession(this, clientFailure(error)?.errorType ?? errorType(error));
        },
      );
    }
    return pending;
  }, original);
}

export function tracedOnClose(original: Fn, gate: Gate): Fn {
  return markWrapped(function onclose(this: object, ...args: unknown[]) {
    if (gate()) {
      try {
        const state = stateOf(this);
        if (state.connecting) state.closedWhileConnecting = true;
        else closeSession(this, undefined);
      } catch (error) {
        reportInternalError('mcp.onclose', error);
      }
    }
    return Reflect.apply(original, this, args);
  }, original);
}

function opened(endpoint: object) {
  try {
    const state = stateOf(endpoint);
    state.sessionStart = performance.now();
    state.connecting = true;
    state.closedWhileConnecting = false;
    state.protocolVersion = undefined;
    return state;
  } catch (error) {
    reportInternalError('mcp.connect', error);
    return undefined;
  }
}

function closeSession(endpoint: object, failure: string | undefined): void {
  try {
    const state = stateOf(endpoint);
    const started = state.sessionStart;
    if (started === undefined) return;
    state.sessionStart = undefined;
    state.closedWhileConnecting = false;
    getRecorder().recordMcpSession({
      side: sideOf(endpoint),
      durationS: (performance.now() - started) / 1000,
      errorType: failure,
      protocolVersion: state.protocolVersion,
      jsonrpcVersion: JSONRPC_VERSION,
      transport: transportInfoOf(endpoint, state),
    });
  } catch (error) {
    reportInternalError('mcp.session', error);
  }
}
