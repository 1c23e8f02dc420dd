import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../src/config';
import {
  infoOnce,
  internalLogger,
  reportInternalError,
  resetReported,
  warnOnce,
} from '../src/internal-log';

function memoryDiag() {
  const lines: { level: string; args: unknown[] }[] = [];
  const at =
    (level: string) =>
    (...args: unknown[]) => {
      lines.push({ level, args });
    };
  const logger: DiagLogger = {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    verbose: at('verbose'),
  };
  return { logger, lines };
}

afterEach(() => {
  diag.disable();
  resetReported();
  vi.restoreAllMocks();
});

describe("llmeter's diagnostics and OpenTelemetry's diag", () => {
  it('go to JSON on stderr (the internal logger) while nobody set a diag logger', () => {
    const warn = vi.spyOn(internalLogger(), 'warn').mockImplementation(() => undefined);
    warnOnce('test.no-diag', 'a problem');
    expect(warn).toHaveBeenCalledWith({}, 'a problem');
  });

  it('go to the diag logger the application set, filtered by its level, once per problem', () => {
    const stderr = vi.spyOn(internalLogger(), 'warn').mockImplementation(() => undefined);
    const { logger, lines } = memoryDiag();
    diag.setLogger(logger, DiagLogLevel.WARN);
    warnOnce('test.diag', 'a problem', { model: 'm' });
    warnOnce('test.diag', 'a problem', { model: 'm' });
    infoOnce('test.diag-info', 'below the level');
    reportInternalError('test.site', new Error('boom'));
    expect(stderr).not.toHaveBeenCalled();
    expect(lines.map((l) => l.level)).toEqual(['warn', 'error']);
    // The component logger names its source.
    expect(lines[0]?.args).toEqual(['llmeter', 'a problem', { model: 'm' }]);
    expect(lines[1]?.args[1]).toBe(
      'llmeter caught an internal error; the application is unaffected',
    );
  });

  it('take their level from OTEL_LOG_LEVEL when llmeter has none of its own', () => {
    expect(resolveConfig({}, { OTEL_LOG_LEVEL: 'debug' }).internalLogLevel).toBe('debug');
    expect(resolveConfig({}, { OTEL_LOG_LEVEL: 'NONE' }).internalLogLevel).toBe('silent');
    expect(resolveConfig({}, { OTEL_LOG_LEVEL: 'VERBOSE' }).internalLogLevel).toBe('trace');
    expect(
      resolveConfig({}, { OTEL_LOG_LEVEL: 'debug', LLMETER_LOG_LEVEL: 'error' }).internalLogLevel,
    ).toBe('error');
    expect(
      resolveConfig({ internalLogLevel: 'info' }, { OTEL_LOG_LEVEL: 'error' }).internalLogLevel,
    ).toBe('info');
    expect(resolveConfig({}, {}).internalLogLevel).toBe('warn');
  });
});
