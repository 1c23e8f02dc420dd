import { diag } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';
import type { InternalLogLevel } from './types';

/**
 * llmeter's own diagnostics, each distinct problem reported once, so a failing
 * exporter or a bad input repeated per request cannot flood the service's logs.
 *
 * Where they go: OpenTelemetry's `diag` when the application registered a diag
 * logger (`diag.setLogger(...)`, or the OTel SDK doing so for OTEL_LOG_LEVEL),
 * so llmeter's warnings land, and are filtered, where the SDK's own do;
 * otherwise JSON on stderr, silent below `warn` by default (the level comes
 * from `internalLogLevel` / LLMETER_LOG_LEVEL / OTEL_LOG_LEVEL).
 *
 * The state lives on globalThis: core's entry points (`@llmeter/core`,
 * `@llmeter/core/internal`, ESM and CommonJS) may be separate bundles in one
 * process, and "once" and the level must hold across all of them.
 */
interface LogState {
  readonly logger: Logger;
  readonly reported: Set<string>;
  quietened: boolean;
}

const STATE_KEY = Symbol.for('llmeter.internalLog');
/** Where @opentelemetry/api 1.x keeps its globals (see globals.ts). */
const API_GLOBAL_KEY = Symbol.for('opentelemetry.js.api.1');
const MAX_REMEMBERED = 1000;

const holder = globalThis as typeof globalThis & { [STATE_KEY]?: LogState };
holder[STATE_KEY] ??= {
  logger: pino({ name: 'llmeter', level: 'warn' }, pino.destination({ fd: 2, sync: true })),
  reported: new Set(),
  quietened: false,
};
const state = holder[STATE_KEY];
const diagLogger = diag.createComponentLogger({ namespace: 'llmeter' });

type Level = 'error' | 'warn' | 'info' | 'debug';

/** True when the application registered a diag logger (reading the slot has no side effects). */
function diagRegistered(): boolean {
  const registry = (globalThis as Record<symbol, Record<string, unknown> | undefined>)[
    API_GLOBAL_KEY
  ];
  return registry?.diag !== undefined;
}

/** One line, to diag when someone listens there, else to llmeter's stderr logger. */
function emit(level: Level, detail: Record<string, unknown>, message: string): void {
  if (diagRegistered()) {
    diagLogger[level](message, detail);
    return;
  }
  state.logger[level](detail, message);
}

/**
 * Changes the level of the one logger rather than making a new one, so what
 * holds it stays valid; setting the level it already has is a no-op (pino
 * rebinds its level methods on every change). Governs the stderr fallback;
 * diag applies its own level.
 */
export function setInternalLogLevel(level: InternalLogLevel): void {
  if (state.logger.level !== level) state.logger.level = level;
}

/** The stderr fallback logger (tests spy on it; adapters use the functions below). */
export function internalLogger(): Logger {
  return state.logger;
}

function once(key: string): boolean {
  const { reported } = state;
  if (reported.has(key)) return false;
  // Keys can contain user-supplied values (model names): keep the set bounded. Past the
  // bound, stay quiet rather than forget: forgetting would log every new name again,
  // and a million distinct model names would become a million log lines.
  if (reported.size >= MAX_REMEMBERED) {
    if (!state.quietened) {
      state.quietened = true;
      emit(
        'warn',
        { distinct: MAX_REMEMBERED },
        'llmeter reported many distinct problems; it logs no new ones from now on',
      );
    }
    return false;
  }
  reported.add(key);
  return true;
}

/** Warn once per key. */
export function warnOnce(key: string, message: string, detail?: Record<string, unknown>): void {
  if (once(`warn:${key}`)) emit('warn', detail ?? {}, message);
}

export function infoOnce(key: string, message: string, detail?: Record<string, unknown>): void {
  if (once(`info:${key}`)) emit('info', detail ?? {}, message);
}

/** A line every time, not once (callers keep it off hot paths): recoveries, start-up detail. */
export function internalLog(level: Level, message: string, detail?: Record<string, unknown>): void {
  emit(level, detail ?? {}, message);
}

/** An internal failure llmeter swallowed; logged once per site. */
export function reportInternalError(site: string, error: unknown): void {
  if (!once(`error:${site}`)) return;
  const err = error instanceof Error ? error : new Error(String(error));
  emit('error', { err, site }, 'llmeter caught an internal error; the application is unaffected');
}

/** For tests: forget what was already reported. */
export function resetReported(): void {
  state.reported.clear();
  state.quietened = false;
}
