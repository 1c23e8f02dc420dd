import { afterEach, describe, expect, it, vi } from 'vitest';
import { internalLogger, resetReported } from '../src/internal-log';
import type { InstrumentKey } from '../src/metrics/definitions';
import { MetricSet } from '../src/metrics/metric-set';

afterEach(() => {
  resetReported();
  vi.restoreAllMocks();
});

describe('metric keys', () => {
  it('an unknown key records nothing and warns once, naming the key', () => {
    const warn = vi.spyOn(internalLogger(), 'warn').mockImplementation(() => undefined);
    const prom = { record: vi.fn(), recordMany: vi.fn() };
    const metrics = new MetricSet(undefined, prom as never, new Set(['cost']));
    const typo = 'cots' as InstrumentKey;
    metrics.record(typo, 1, {});
    metrics.recordMany(typo, [1], {});
    metrics.record('cost', 1, {});
    expect(prom.record).toHaveBeenCalledTimes(1);
    expect(prom.recordMany).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith({ key: 'cots' }, expect.stringContaining('does not define'));
  });
});
