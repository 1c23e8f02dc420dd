import type { WrappedMethod } from '../constants';
import { tracedOnRequest, tracedSetRequestHandler } from './handlers';
import { tracedRequest } from './requests';
import { tracedConnect, tracedOnClose } from './session';
import type { Fn, Gate } from './wrap';

export { wrapHandlers } from './handlers';
export { ALWAYS, type Fn, type Gate, isWrapped } from './wrap';

/** The wrapper of each wrapped `Protocol` method, the same for an instance and the prototype. */
export const WRAPPERS: Record<WrappedMethod, (original: Fn, gate: Gate) => Fn> = {
  request: tracedRequest,
  setRequestHandler: tracedSetRequestHandler,
  _onrequest: tracedOnRequest,
  connect: tracedConnect,
  _onclose: tracedOnClose,
};
