import { setupInMemory } from '@llmeter/testing/in-memory';
import { context, createContextKey, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { operationContext } from '../src/recorder/operation-context';

const OP_KEY = createContextKey('test.operation');
const PARENT_KEY = createContextKey('test.parent');

function span(name: string) {
  return trace.getTracer('test').startSpan(name);
}

describe('an operation context', () => {
  const parent = ROOT_CONTEXT.setValue(PARENT_KEY, 'from the parent');

  it('reads as the API context it replaces: the span, the operation, the parent entries', () => {
    const s = span('op');
    const op = { name: 'op' };
    const ctx = operationContext(parent, s, OP_KEY, op);
    expect(trace.getSpan(ctx)).toBe(s);
    expect(ctx.getValue(OP_KEY)).toBe(op);
    expect(ctx.getValue(PARENT_KEY)).toBe('from the parent');
    expect(ctx.getValue(createContextKey('test.absent'))).toBeUndefined();
    expect(operationContext(parent, s).getValue(OP_KEY)).toBeUndefined();
  });

  it('derives contexts that keep its entries and leave it unchanged', () => {
    const s = span('op');
    const op = { name: 'op' };
    const ctx = operationContext(parent, s, OP_KEY, op);
    const child = span('child');
    const derived = trace.setSpan(ctx, child);
    expect(trace.getSpan(derived)).toBe(child);
    expect(derived.getValue(OP_KEY)).toBe(op);
    expect(derived.getValue(PARENT_KEY)).toBe('from the parent');
    expect(trace.getSpan(ctx)).toBe(s);

    const without = ctx.deleteValue(PARENT_KEY).deleteValue(OP_KEY);
    expect(without.getValue(PARENT_KEY)).toBeUndefined();
    expect(without.getValue(OP_KEY)).toBeUndefined();
    expect(trace.getSpan(without)).toBe(s);
    expect(ctx.getValue(PARENT_KEY)).toBe('from the parent');
  });

  it('parents the spans started while it is active', async () => {
    const otel = setupInMemory();
    try {
      const tracer = trace.getTracer('test');
      const outer = tracer.startSpan('outer');
      const ctx = operationContext(ROOT_CONTEXT, outer, OP_KEY, {});
      await context.with(ctx, async () => {
        await Promise.resolve();
        tracer.startSpan('inner').end();
      });
      outer.end();
      const [inner] = otel.spans().filter((x) => x.name === 'inner');
      expect(inner?.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
      expect(inner?.spanContext().traceId).toBe(outer.spanContext().traceId);
    } finally {
      await otel.shutdown();
    }
  });
});
