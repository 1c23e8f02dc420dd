import { context, trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { describe, expect, it, vi } from 'vitest';
import { setOwnSpanAttribute } from '../src/recorder/shared';

type Write = [key: string, value: unknown];

/** The spans two providers with the same limits end with: one written by setAttribute, one by setOwnSpanAttribute. */
async function bothWays(
  writes: Write[],
  spanLimits?: { attributeCountLimit?: number; attributeValueLengthLimit?: number },
) {
  const run = async (
    write: (span: ReturnType<typeof start>, key: string, value: unknown) => void,
  ) => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
      ...(spanLimits ? { spanLimits } : {}),
    });
    const span = start(provider);
    for (const [key, value] of writes) write(span, key, value);
    span.end();
    await provider.forceFlush();
    return exporter.getFinishedSpans()[0] as ReadableSpan;
  };
  const start = (provider: TracerProvider) =>
    provider.getTracer('t').startSpan('s', { attributes: { 'start.key': 'x' } }, context.active());
  return {
    sdk: await run((span, key, value) => {
      if (value !== undefined && value !== null && typeof value !== 'object') {
        span.setAttribute(key, value as string);
      } else if (Array.isArray(value)) span.setAttribute(key, value as string[]);
    }),
    own: await run((span, key, value) => setOwnSpanAttribute(span, key, value)),
  };
}

const view = (s: ReadableSpan) => ({
  keys: Object.keys(s.attributes),
  attributes: s.attributes,
  dropped: s.droppedAttributesCount,
});

describe('setOwnSpanAttribute (a span of llmeter’s own provider)', () => {
  it('ends with the attributes, order and dropped count setAttribute gives', async () => {
    const writes: Write[] = [
      ['a', 'text'],
      ['b', 3],
      ['c', false],
      ['d', ['stop', 'length']],
      ['a', 'again'],
      ['e', undefined],
      ['f', null],
      ['g', { nested: 1 }],
      ['', 'empty key'],
      ['h', Number.NaN],
    ];
    const { sdk, own } = await bothWays(writes);
    expect(view(own)).toEqual(view(sdk));
    expect(own.attributes).toMatchObject({ a: 'again', b: 3, c: false, d: ['stop', 'length'] });
  });

  it('keeps the count limit and value length limit as the SDK does', async () => {
    const writes: Write[] = [
      ['a', '12345'],
      ['b', '123456789'],
      ['c', 1],
      ['d', 2],
      ['a', 'x'],
      ['e', true],
    ];
    const { sdk, own } = await bothWays(writes, {
      attributeCountLimit: 3,
      attributeValueLengthLimit: 5,
    });
    expect(view(own)).toEqual(view(sdk));
    expect(own.droppedAttributesCount).toBe(3);
    expect(own.attributes.b).toBe('12345');
  });

  it('writes a primitive without setAttribute on the SDK llmeter pins (its fields are still there)', () => {
    const provider = new TracerProvider();
    const span = provider.getTracer('t').startSpan('s');
    const spy = vi.spyOn(span, 'setAttribute');
    setOwnSpanAttribute(span, 'k', 'v');
    setOwnSpanAttribute(span, 'n', 1);
    expect(spy).not.toHaveBeenCalled();
    setOwnSpanAttribute(span, 'list', ['a']);
    expect(spy).toHaveBeenCalledTimes(1);
    span.end();
    expect((span as unknown as ReadableSpan).attributes).toEqual({ k: 'v', n: 1, list: ['a'] });
  });

  it('writes nothing on an ended span, and takes setAttribute on any other span', () => {
    const provider = new TracerProvider();
    const span = provider.getTracer('t').startSpan('s');
    span.end();
    setOwnSpanAttribute(span, 'late', 'v');
    expect((span as unknown as ReadableSpan).attributes).toEqual({});

    const other = trace.wrapSpanContext(span.spanContext());
    const spy = vi.spyOn(other, 'setAttribute');
    setOwnSpanAttribute(other, 'k', 'v');
    expect(spy).toHaveBeenCalledWith('k', 'v');
  });
});
