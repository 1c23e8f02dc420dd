import { internalLog, reportInternalError, warnOnce } from './internal-log';
import type { LLMeterInstrumentation, LLMeterOptions } from './types';

/**
 * Turns on what adapters handed to `init({ instrumentations })`. Core knows
 * nothing about any adapter: each entry brings its own `enable()`. Fail open:
 * a bad entry, a throwing `enable()` or one that returns false is reported on
 * the internal logger and the rest still run, so a broken instrumentation can
 * never keep the application (or llmeter) from starting.
 */
export function enableInstrumentations(options: LLMeterOptions | undefined): void {
  let list: unknown;
  try {
    list = options?.instrumentations;
  } catch (error) {
    reportInternalError('init.instrumentations', error);
    return;
  }
  if (list === undefined) return;
  if (!Array.isArray(list)) {
    warnOnce('init.instrumentations', 'init(): `instrumentations` is not an array; ignored');
    return;
  }
  for (const entry of list as unknown[]) {
    const name = nameOf(entry);
    try {
      const enable = (entry as Partial<LLMeterInstrumentation> | null)?.enable;
      if (typeof enable !== 'function') {
        warnOnce(
          `init.instrumentation:${name}`,
          'init(): an entry of `instrumentations` has no enable(); ignored',
          { instrumentation: name },
        );
        continue;
      }
      if (enable.call(entry) === false) {
        warnOnce(
          `init.instrumentation-off:${name}`,
          'init(): an instrumentation could not be enabled',
          { instrumentation: name },
        );
        continue;
      }
      internalLog('debug', 'instrumentation enabled', { instrumentation: name });
    } catch (error) {
      reportInternalError(`init.instrumentation:${name}`, error);
    }
  }
}

/** A bounded name for diagnostics (it becomes part of a once-only key). */
function nameOf(entry: unknown): string {
  try {
    const e = entry as { instrumentationName?: unknown; name?: unknown } | null;
    const name = e?.instrumentationName ?? e?.name;
    return typeof name === 'string' && name.length > 0 ? name.slice(0, 64) : 'unnamed';
  } catch {
    return 'unnamed';
  }
}
