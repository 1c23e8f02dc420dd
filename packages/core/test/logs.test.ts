import { Writable } from 'node:stream';
import { setupInMemory } from '@llmeter/testing/in-memory';
import { context, trace } from '@opentelemetry/api';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger, traceCorrelationMixin } from '../src/index';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(JSON.parse(String(chunk)));
      cb();
    },
  });
  return { lines, stream };
}

describe('logs', () => {
  it('writes one llm_call_completed line per operation with trace ids, tokens, cost, duration and ttft', async () => {
    const { lines, stream } = capture();
    const t = setupInMemory({ logger: pino({ level: 'info' }, stream) });
    const start = performance.now();
    const op = t.llmeter.recorder.startOperation({
      requestModel: 'gpt-4o-mini',
      request: { stream: true },
      startTime: start,
    });
    op.chunk(start + 100);
    op.end({
      responseModel: 'gpt-4o-mini-2024-07-18',
      finishReasons: ['stop'],
      usage: { inputTokens: 1000, outputTokens: 200 },
    });
    await t.shutdown();
    expect(lines).toHaveLength(1);
    const line = lines[0];
    const ctx = op.span.spanContext();
    expect(line).toMatchObject({
      msg: 'llm_call_completed',
      event: 'llm_call_completed',
      level: 30,
      trace_id: ctx.traceId,
      span_id: ctx.spanId,
      operation: 'chat',
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      input_tokens: 1000,
      output_tokens: 200,
      finish_reasons: ['stop'],
      stream: true,
    });
    expect(line.ttft_s).toBeCloseTo(0.1, 3);
    expect(line.cost_usd).toBeGreaterThan(0);
    expect(line).not.toHaveProperty('input_messages');
  });

  it('logs failures at warn with error_type', async () => {
    const { lines, stream } = capture();
    const t = setupInMemory({ logger: pino({ level: 'info' }, stream) });
    t.llmeter.recorder.startOperation({ requestModel: 'gpt-4o' }).fail(new TypeError('bad'));
    await t.shutdown();
    expect(lines[0]).toMatchObject({ level: 40, error_type: 'TypeError' });
  });

  it("adds trace_id/span_id to every line of llmeter's pino and, through the mixin, of the app's own", async () => {
    const t = setupInMemory();
    const { lines, stream } = capture();
    const ours = createLogger({ level: 'info' });
    const app = pino({ mixin: traceCorrelationMixin }, stream);
    const span = t.llmeter.tracer.startSpan('request');
    context.with(trace.setSpan(context.active(), span), () => app.info('inside'));
    app.info('outside');
    span.end();
    expect(lines[0]).toMatchObject({
      trace_id: span.spanContext().traceId,
      span_id: span.spanContext().spanId,
    });
    expect(lines[1]).not.toHaveProperty('trace_id');
    expect(typeof ours.info).toBe('function');
    await t.shutdown();
  });
});
