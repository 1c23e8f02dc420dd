import { ERROR_TYPE_ABANDONED } from '../constants';
import { reportInternalError } from '../internal-log';
import type { LLMOperation } from '../types';

/**
 * Operations whose request object the caller dropped unconsumed (a promise
 * never awaited, a stream never read): nothing will ever end them, and the
 * in-flight gauge (`gen_ai.client.active_requests`, what an autoscaler may
 * scale on) would drift upward for ever. An adapter registers what it handed
 * the caller; when the garbage collector reclaims it, the watcher decides
 * whether the call was consumed after all and, if not, ends it with
 * `error.type` = `abandoned`. No timer: nothing keeps the process alive, and
 * nothing runs for a call that is consumed.
 */
export interface AbandonmentWatcher {
  /** The object handed to the caller was collected: end the operation if nothing else will. */
  abandoned(): void;
}

const registry = new FinalizationRegistry<AbandonmentWatcher>((watcher) => {
  try {
    watcher.abandoned();
  } catch (error) {
    reportInternalError('abandoned.watcher', error);
  }
});

/** Calls `watcher.abandoned()` once `target` is garbage-collected. Never throws. */
export function watchAbandonment(target: unknown, watcher: AbandonmentWatcher): void {
  if (target === null || (typeof target !== 'object' && typeof target !== 'function')) return;
  try {
    registry.register(target, watcher);
  } catch (error) {
    reportInternalError('abandoned.register', error);
  }
}

/** Ends an operation nobody consumed: `error.type` `abandoned`, marked incomplete. */
export function endAbandoned(op: LLMOperation): void {
  op.fail(new Error('the caller dropped the request without consuming it'), {
    incomplete: true,
    errorType: ERROR_TYPE_ABANDONED,
  });
}
