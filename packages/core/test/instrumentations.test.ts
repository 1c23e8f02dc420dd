import { afterEach, describe, expect, it, vi } from 'vitest';
import { getLLMeter, init, type LLMeterInstrumentation } from '../src/index';
import { internalLogger } from '../src/internal';
import { resetReported } from '../src/internal-log';
import { quiet, stopLLMeter } from './init-helpers';

afterEach(async () => {
  await stopLLMeter();
  vi.restoreAllMocks();
  resetReported();
});

function counting(name: string, result = true): LLMeterInstrumentation & { calls: number } {
  return {
    name,
    calls: 0,
    enable() {
      this.calls += 1;
      return result;
    },
  };
}

describe('init({ instrumentations })', () => {
  it('enables each instrumentation once llmeter has started, and sees the instance', () => {
    let seen: unknown;
    const a = counting('a');
    const b: LLMeterInstrumentation = {
      name: 'b',
      enable: () => {
        seen = getLLMeter();
        return true;
      },
    };
    const llmeter = init({ ...quiet, instrumentations: [a, b] });
    expect(a.calls).toBe(1);
    expect(seen).toBe(llmeter);
  });

  it('also enables those given to a later init() that returns the running instance', () => {
    const first = init(quiet);
    const late = counting('late');
    expect(init({ ...quiet, instrumentations: [late] })).toBe(first);
    expect(late.calls).toBe(1);
  });

  it('enables nothing when llmeter is disabled', () => {
    const a = counting('a');
    expect(init({ ...quiet, disabled: true, instrumentations: [a] }).enabled).toBe(false);
    expect(a.calls).toBe(0);
  });

  it('never throws: a failing instrumentation is logged once and the others still run', () => {
    const error = vi.spyOn(internalLogger(), 'error').mockImplementation(() => undefined);
    const warn = vi.spyOn(internalLogger(), 'warn').mockImplementation(() => undefined);
    const after = counting('after');
    const llmeter = init({
      ...quiet,
      instrumentations: [
        {
          name: 'broken',
          enable() {
            throw new Error('boom');
          },
        },
        counting('refuses', false),
        { name: 'no-enable' } as unknown as LLMeterInstrumentation,
        null as unknown as LLMeterInstrumentation,
        after,
      ],
    });
    expect(llmeter.enabled).toBe(true);
    expect(after.calls).toBe(1);
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]?.[0]).toMatchObject({ site: 'init.instrumentation:broken' });
    const warned = warn.mock.calls.map(
      (c) => (c[0] as { instrumentation?: string }).instrumentation,
    );
    expect(warned).toEqual(['refuses', 'no-enable', 'unnamed']);
  });

  it('ignores an `instrumentations` that is not an array, with a warning', () => {
    const warn = vi.spyOn(internalLogger(), 'warn').mockImplementation(() => undefined);
    const llmeter = init({
      ...quiet,
      instrumentations: 'openai' as unknown as LLMeterInstrumentation[],
    });
    expect(llmeter.enabled).toBe(true);
    expect(warn).toHaveBeenCalledWith({}, expect.stringContaining('not an array'));
  });
});
