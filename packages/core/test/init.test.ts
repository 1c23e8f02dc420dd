import { trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getLLMeter, init } from '../src/index';
import { getRecorder, internalLogger } from '../src/internal';
import { resetReported } from '../src/internal-log';
import { quiet, stopLLMeter } from './init-helpers';

afterEach(async () => {
  await stopLLMeter();
});

describe('init()', () => {
  it('is idempotent: a second call warns once and returns the running instance', async () => {
    resetReported();
    const warn = vi.spyOn(internalLogger(), 'warn');
    const first = init(quiet);
    const second = init({ ...quiet, serviceName: 'other' });
    init(quiet);
    expect(second).toBe(first);
    expect(getRecorder()).toBe(first.recorder);
    const twice = warn.mock.calls.filter((c) => String(c[1]).includes('init() called again'));
    expect(twice).toHaveLength(1);
    warn.mockRestore();
  });

  it('shutdown() is idempotent and a later init() starts afresh', async () => {
    const first = init(quiet);
    const a = first.shutdown();
    const b = first.shutdown();
    expect(a).toBe(b);
    await a;
    expect(getLLMeter()).toBeUndefined();
    const second = init(quiet);
    expect(second).not.toBe(first);
    expect(second.enabled).toBe(true);
  });

  it('OTEL_SDK_DISABLED=true makes everything a cheap no-op', async () => {
    process.env.OTEL_SDK_DISABLED = 'true';
    try {
      const llmeter = init(quiet);
      expect(llmeter.enabled).toBe(false);
      const op = llmeter.recorder.startOperation({ requestModel: 'gpt-4o' });
      op.chunk();
      op.end({ usage: { inputTokens: 1 } });
      expect(op.span.isRecording()).toBe(false);
      expect(
        await (await import('../src/internal')).renderMetrics([llmeter.promRegistry], false),
      ).toBe('');
      await llmeter.forceFlush();
      await llmeter.shutdown();
    } finally {
      delete process.env.OTEL_SDK_DISABLED;
    }
  });

  it('records nothing and never throws before init()', () => {
    const op = getRecorder().startOperation({ requestModel: 'gpt-4o' });
    expect(() => {
      op.chunk();
      op.update({ usage: { inputTokens: 3 } });
      op.end();
      op.fail(new Error('x'));
    }).not.toThrow();
  });
});

describe('coexistence with an application that registered its own OpenTelemetry', () => {
  it("uses the application's global tracer provider instead of replacing it", async () => {
    const appExporter = new InMemorySpanExporter();
    const appProvider = new TracerProvider({
      spanProcessors: [new SimpleSpanProcessor({ exporter: appExporter })],
    });
    trace.setGlobalTracerProvider(appProvider);
    const appTracer = trace.getTracer('app');

    const llmeter = init({ ...quiet, tracesExporter: ['otlp'] });
    llmeter.recorder.startOperation({ requestModel: 'gpt-4o' }).end();
    appTracer.startSpan('app work').end();

    // both the application's span and llmeter's arrive in the application's pipeline
    expect(
      appExporter
        .getFinishedSpans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['app work', 'chat gpt-4o']);
    await llmeter.shutdown();
    // and llmeter's shutdown leaves the application's provider registered and working
    trace.getTracer('app').startSpan('after').end();
    expect(appExporter.getFinishedSpans().map((s) => s.name)).toContain('after');
  });

  it("registers llmeter's series in the application's own prom-client registry on request", async () => {
    const appRegistry = new Registry();
    const llmeter = init({ ...quiet, promRegistry: appRegistry });
    llmeter.recorder
      .startOperation({ requestModel: 'gpt-4o' })
      .end({ usage: { inputTokens: 2, outputTokens: 1 } });
    const text = await appRegistry.metrics();
    expect(text).toContain('gen_ai_client_operation_duration_seconds_count');
    expect(text).toContain('gen_ai_client_token_usage_bucket');
    await llmeter.shutdown();
    // a second init re-registers without a duplicate-metric error
    const again = init({ ...quiet, promRegistry: appRegistry });
    expect(again.enabled).toBe(true);
  });

  it('registers globals only where none exist, and removes only its own at shutdown', async () => {
    const llmeter = init(quiet);
    const registeredByLlmeter = trace.getTracerProvider();
    expect(registeredByLlmeter).toBeDefined();
    await llmeter.shutdown();
    // after shutdown the global slot is free again for the application
    const app = new TracerProvider();
    expect(trace.setGlobalTracerProvider(app)).toBe(true);
  });
});
