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

/**
 * Flushes on SIGTERM/SIGINT, then lets the process end exactly as it would
 * have without llmeter: if nobody else listens to the signal, re-raise it
 * (default action, exit code 128 + signal number); otherwise the application's
 * own handler decides.
 */
export function installSignalHandlers(flush: () => Promise<void>): () => void {
  const handlers = new Map<string, () => void>();
  for (const signal of SIGNALS) {
    const handler = () => {
      uninstall();
      flush().finally(() => {
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    };
    handlers.set(signal, handler);
    process.once(signal, handler);
  }
  function uninstall() {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
    handlers.clear();
  }
  return uninstall;
}
