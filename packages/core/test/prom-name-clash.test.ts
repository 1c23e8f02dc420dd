import { Counter, Gauge, Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { init } from '../src/index';
import { internalLogger, resetReported } from '../src/internal-log';
import { quiet, stopLLMeter } from './init-helpers';

const DURATION = 'gen_ai_client_operation_duration_seconds';

afterEach(async () => {
  vi.restoreAllMocks();
  delete process.env.NVIDIA_VISIBLE_DEVICES;
  await stopLLMeter();
});

function clashWarnings(warn: { mock: { calls: unknown[][] } }) {
  return warn.mock.calls.filter((c) => String(c[1]).includes('has the name of one of llmeter'));
}

describe('a name clash with an application metric', () => {
  it("never removes the application's metric, warns once and serves llmeter's series on its own registry", async () => {
    resetReported();
    const warn = vi.spyOn(internalLogger(), 'warn').mockImplementation(() => undefined);
    const appRegistry = new Registry();
    const appMetric = new Counter({
      name: DURATION,
      help: "the application's own",
      registers: [appRegistry],
    });
    appMetric.inc(7);
    const llmeter = init({ ...quiet, promRegistry: appRegistry });
    llmeter.recorder
      .startOperation({ requestModel: 'gpt-4o' })
      .end({ usage: { inputTokens: 2, outputTokens: 1 } });

    expect(appRegistry.getSingleMetric(DURATION)).toBe(appMetric);
    const appText = await appRegistry.metrics();
    expect(appText).toContain(`${DURATION} 7`);
    // llmeter's other series still reach the application's registry
    expect(appText).toContain('gen_ai_client_token_usage_bucket');
    const ownText = await llmeter.promRegistry.metrics();
    expect(ownText).toContain(`${DURATION}_count{`);
    expect(clashWarnings(warn)).toHaveLength(1);
    expect(clashWarnings(warn)[0]![0]).toMatchObject({ metric: DURATION });

    // a re-init warns no more and still leaves the application's metric alone
    await llmeter.shutdown();
    init({ ...quiet, promRegistry: appRegistry });
    expect(appRegistry.getSingleMetric(DURATION)).toBe(appMetric);
    expect(clashWarnings(warn)).toHaveLength(1);
  });

  it('replaces only its own objects on a re-init', async () => {
    const appRegistry = new Registry();
    const first = init({ ...quiet, promRegistry: appRegistry });
    const before = appRegistry.getSingleMetric(DURATION);
    await first.shutdown();
    init({ ...quiet, promRegistry: appRegistry });
    const after = appRegistry.getSingleMetric(DURATION);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
  });

  it("never removes the application's metric named like llmeter_gpu_info", async () => {
    resetReported();
    vi.spyOn(internalLogger(), 'warn').mockImplementation(() => undefined);
    process.env.NVIDIA_VISIBLE_DEVICES = 'GPU-6a8c1f2e-0000-4b7e-9d0a-123456789abc';
    const appRegistry = new Registry();
    const appGauge = new Gauge({ name: 'llmeter_gpu_info', help: 'app', registers: [appRegistry] });
    const llmeter = init({ ...quiet, promRegistry: appRegistry });
    expect(appRegistry.getSingleMetric('llmeter_gpu_info')).toBe(appGauge);
    expect(await llmeter.promRegistry.metrics()).toContain(
      'llmeter_gpu_info{UUID="GPU-6a8c1f2e-0000-4b7e-9d0a-123456789abc"} 1',
    );
  });
});
