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
  /**
   * False once the object was consumed or the call ended, so `abandoned()`
   * would do nothing: the object is then not watched at all. Absent: always watched.
   */
  canBeAbandoned?(): boolean;
}

const registry = new FinalizationRegistry<AbandonmentWatcher>((watcher) => {
  try {
    watcher.abandoned();
  } catch (error) {
    reportInternalError('abandoned.watcher', error);
  }
});

/*
 * Registration waits two microtask hops, by which time almost every caller
 * has consumed what it got (`await` of a promise subclass, as the SDKs'
 * lazy promises are, calls its `then` in the hop between), and only what is
 * still unconsumed is registered. A registration (a weak cell the collector
 * then processes) cost ~105 k instructions per non-streamed openai call under
 * callgrind (instructions.mjs, llmeter+log); a pending entry is two array
 * slots, reused, and one microtask per batch. Deferring only decides which
 * objects are registered, never whether an abandoned one is caught: one not
 * consumed by then is registered as before.
 *
 * The hops are reactions on a settled promise, not `queueMicrotask`: inside
 * an active context (a server span, llmeter's middleware) Node 24's
 * `queueMicrotask` makes an AsyncResource and a bound function each time,
 * 258 B and ~100 ns more than outside one, where a reaction is one ~97 B
 * promise either way (sampling heap profiler, collected objects included).
 * The queue and its order are the same (both are V8's microtask queue), and
 * neither callback can throw, so the derived promises never reject.
 */
const settled = Promise.resolve();
const pendingTargets: object[] = [];
const pendingWatchers: AbandonmentWatcher[] = [];
let scheduled = false;

function registerPending(): void {
  scheduled = false;
  for (let i = 0; i < pendingTargets.length; i++) {
    const watcher = pendingWatchers[i] as AbandonmentWatcher;
    try {
      if (watcher.canBeAbandoned?.() === false) continue;
      registry.register(pendingTargets[i] as object, watcher);
    } catch (error) {
      reportInternalError('abandoned.register', error);
    }
  }
  pendingTargets.length = 0;
  pendingWatchers.length = 0;
}

/** The first hop: the caller's `await` queues its `then` behind this one. */
function hopAgain(): void {
  void settled.then(registerPending);
}

/** Calls `watcher.abandoned()` once `target` is garbage-collected. Never throws. */
export function watchAbandonment(target: unknown, watcher: AbandonmentWatcher): void {
  if (target === null || (typeof target !== 'object' && typeof target !== 'function')) return;
  pendingTargets.push(target);
  pendingWatchers.push(watcher);
  if (scheduled) return;
  scheduled = true;
  void settled.then(hopAgain);
}

/** Ends an operation nobody consumed: `error.type` `abandoned`, marked incomplete. */
export function endAbandoned(op: LLMOperation): void {
  op.fail(new Error('the caller dropped the request without consuming it'), {
    incomplete: true,
    errorType: ERROR_TYPE_ABANDONED,
  });
}
