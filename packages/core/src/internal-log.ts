import pino, { type Logger } from 'pino';
import { scrubbedError } from './failure';
import type { InternalLogLevel } from './types';

/**
 * llmeter's own diagnostics: JSON on stderr, silent below `warn` by default,
 * and each distinct problem reported once, so a failing exporter or a bad
 * input repeated per request cannot flood the service's logs.
 */
const logger: Logger = pino(
  { name: 'llmeter', level: 'warn' },
  pino.destination({ fd: 2, sync: true }),
);
const reported = new Set<string>();
const MAX_REMEMBERED = 1000;

/**
 * Changes the level of the one logger rather than making a new one, so what
 * holds it stays valid; setting the level it already has is a no-op (pino
 * rebinds its level methods on every change).
 */
export function setInternalLogLevel(level: InternalLogLevel): void {
  if (logger.level !== level) logger.level = level;
}

export function internalLogger(): Logger {
  return logger;
}

function once(key: string): boolean {
  if (reported.has(key)) return false;
  // Keys can contain user-supplied values (model names): keep the set bounded. Past the
  // bound, stay quiet rather than forget: forgetting would log every new name again,
  // and a million distinct model names would become a million log lines.
  if (reported.size >= MAX_REMEMBERED) {
    if (!quietened) {
      quietened = true;
      logger.warn(
        { distinct: MAX_REMEMBERED },
        'llmeter reported many distinct problems; it logs no new ones from now on',
      );
    }
    return false;
  }
  reported.add(key);
  return true;
}
let quietened = false;

/** Warn once per key. */
export function warnOnce(key: string, message: string, detail?: Record<string, unknown>): void {
  if (once(`warn:${key}`)) logger.warn(detail ?? {}, message);
}

export function infoOnce(key: string, message: string, detail?: Record<string, unknown>): void {
  if (once(`info:${key}`)) logger.info(detail ?? {}, message);
}

/** An internal failure llmeter swallowed; logged once per site. */
export function reportInternalError(site: string, error: unknown): void {
  if (!once(`error:${site}`)) return;
  // Often the application's own hook threw (redact, ignore, agentName, ...): its message,
  // stack and properties are written scrubbed, like everything else llmeter writes.
  // Not under `err`: pino's serializer would re-derive the type from the copy.
  logger.error(
    { error: scrubbedError(error), site },
    'llmeter caught an internal error; the application is unaffected',
  );
}

export function debugEnabled(): boolean {
  return logger.isLevelEnabled('debug');
}

/** For tests: forget what was already reported. */
export function resetReported(): void {
  reported.clear();
  quietened = false;
}
