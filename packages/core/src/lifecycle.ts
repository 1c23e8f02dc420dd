import { internalLogger, reportInternalError } from './internal-log';

/** Resolves when `work` settles or after `ms`, whichever comes first; never rejects. */
export async function bounded(work: Promise<unknown>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
    timer.unref();
  });
  try {
    const outcome = await Promise.race([work.then(() => 'done' as const), timeout]);
    if (outcome === 'timeout') internalLogger().warn({ what, ms }, 'llmeter gave up waiting');
  } catch (error) {
    reportInternalError(what, error);
  } finally {
    clearTimeout(timer);
  }
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type Signal = (typeof SIGNALS)[number];

/**
 * Flushes on SIGTERM/SIGINT, then lets the process end exactly as it would
 * have without llmeter: if nobody else handles the signal, re-raise it
 * (default action, exit code 128 + signal number); otherwise the application's
 * own handler runs to its end and decides the exit.
 *
 * Who else handles the signal is decided when it arrives, not after the
 * flush: by then Node has removed every `once` listener, and an application
 * whose handler was registered with `process.once` would be killed by the
 * re-raised signal before its own handler finished. A `once` listener that
 * ran before ours in the same emit is already gone from the listener list, so
 * removals of signal listeners are counted until the emit is over.
 */
export function installSignalHandlers(flush: () => Promise<void>): () => void {
  const handlers = new Map<Signal, () => void>();
  const removedThisTick = new Map<string, number>();
  let resetScheduled = false;
  const onRemoveListener = (event: string | symbol, listener: unknown) => {
    if (typeof event !== 'string' || !handlers.has(event as Signal)) return;
    if (listener === handlers.get(event as Signal)) return;
    removedThisTick.set(event, (removedThisTick.get(event) ?? 0) + 1);
    if (resetScheduled) return;
    resetScheduled = true;
    // A signal's listeners all run in one synchronous emit: a tick later it is over.
    process.nextTick(() => {
      removedThisTick.clear();
      resetScheduled = false;
    });
  };
  for (const signal of SIGNALS) {
    const handler = () => {
      const others =
        process.listeners(signal).filter((l) => l !== handler).length +
        (removedThisTick.get(signal) ?? 0);
      uninstall();
      flush().finally(() => {
        if (others === 0) process.kill(process.pid, signal);
      });
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  process.on('removeListener', onRemoveListener);
  function uninstall() {
    process.removeListener('removeListener', onRemoveListener);
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
    handlers.clear();
  }
  return uninstall;
}

/**
 * Flushes once when the process is about to end on its own (the event loop is
 * empty: a script or a CronJob that never calls shutdown()). Every llmeter
 * timer is unref'd, so without this its buffered spans and metrics would be
 * lost. A second `beforeExit` finds the flush done and lets the process go, so
 * it never flushes twice. The wait is bounded: an exporter that still retries
 * after `timeoutMs` would keep alive a process that was about to exit, so the
 * process then exits as it would have (its `exitCode`). The timer is unref'd:
 * when the flush ends sooner, nothing of llmeter's is left to keep it alive.
 */
export function installExitFlush(flush: () => Promise<void>, timeoutMs: number): () => void {
  let flushed = false;
  const onBeforeExit = () => {
    if (flushed) return;
    flushed = true;
    process.removeListener('beforeExit', onBeforeExit);
    let settled = false;
    const timer = setTimeout(() => {
      if (!settled) process.exit();
    }, timeoutMs);
    timer.unref();
    flush().finally(() => {
      settled = true;
      clearTimeout(timer);
    });
  };
  process.on('beforeExit', onBeforeExit);
  return () => process.removeListener('beforeExit', onBeforeExit);
}
