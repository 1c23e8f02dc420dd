import { describe, expect, it } from 'vitest';
import {
  type AdapterKit,
  observeStainlessStream,
  StainlessCall,
  StainlessPromises,
  type StreamAccumulator,
  StreamObserver,
} from '../src/internal';
import type { LLMOperation, LLMOperationResult } from '../src/types';

/**
 * The adapter kit on the SDK shapes alone (no SDK): what the openai and
 * anthropic adapters' own tests check end to end, here on minimal stand-ins.
 */
const KIT: AdapterKit = { name: 'kit-test', sdk: 'Test SDK' };

function fakeOp() {
  const seen = {
    chunks: 0,
    ends: [] as (LLMOperationResult | undefined)[],
    fails: [] as unknown[],
  };
  const op = {
    chunk: () => {
      seen.chunks += 1;
    },
    end: (result?: LLMOperationResult) => {
      seen.ends.push(result);
    },
    fail: (error: unknown) => {
      seen.fails.push(error);
    },
    update: () => {},
  } as unknown as LLMOperation;
  return { op, seen };
}

/** Counts items whose `text` is set as content; finished on `stop`. */
function accumulator(): StreamAccumulator {
  let finished = false;
  return {
    add(item) {
      const i = item as { text?: string; stop?: boolean };
      if (i.stop) finished = true;
      return typeof i.text === 'string';
    },
    get finished() {
      return finished;
    },
    result: () => ({}),
  };
}

/** The shape of a Stainless `Stream`: `controller` and one `iterator` factory. */
function fakeStream(items: unknown[]) {
  const stream = {
    controller: new AbortController(),
    returned: 0,
    iterator(): AsyncIterator<unknown> {
      let i = 0;
      return {
        next: async () =>
          i < items.length ? { done: false, value: items[i++] } : { done: true, value: undefined },
        return: async () => {
          stream.returned += 1;
          return { done: true, value: undefined };
        },
      };
    },
    [Symbol.asyncIterator]() {
      return this.iterator();
    },
  };
  return stream;
}

describe('the adapter kit', () => {
  it('reads a stream in place: content chunks count, the call ends once, unfinished replies are incomplete', async () => {
    const { op, seen } = fakeOp();
    const stream = fakeStream([{ meta: 1 }, { text: 'a' }, { text: 'b' }]);
    const observer = new StreamObserver(op, accumulator(), KIT);
    expect(observeStainlessStream(stream, observer)).toBe(true);
    const values: unknown[] = [];
    for await (const v of stream) values.push(v);
    expect(values).toEqual([{ meta: 1 }, { text: 'a' }, { text: 'b' }]);
    expect(seen.chunks).toBe(2);
    observer.complete();
    observer.error(new Error('late'));
    expect(seen.ends).toEqual([{ incomplete: true }]);
    expect(seen.fails).toEqual([]);
  });

  it('ends a stream the consumer breaks out of, and still returns the SDK iterator', async () => {
    const { op, seen } = fakeOp();
    const stream = fakeStream([{ text: 'a' }, { text: 'b' }, { stop: true }]);
    observeStainlessStream(stream, new StreamObserver(op, accumulator(), KIT));
    for await (const _ of stream) break;
    expect(seen.ends).toHaveLength(1);
    expect(stream.returned).toBe(1);
  });

  it("uses the adapter's error.type for an error thrown mid-stream", () => {
    const failed: unknown[] = [];
    const op = { fail: (_e: unknown, r: unknown) => failed.push(r) } as unknown as LLMOperation;
    const kit: AdapterKit = { ...KIT, errorType: () => 'UNAVAILABLE' };
    new StreamObserver(op, accumulator(), kit).error(new Error('x'));
    expect(failed).toEqual([{ incomplete: true, errorType: 'UNAVAILABLE' }]);
  });

  it('observes an APIPromise through its prototype when consumed, and restore() puts the prototype back', async () => {
    class FakeAPIPromise {
      responsePromise = Promise.resolve('response');
      parse() {
        return this.responsePromise.then(() => ({ parsed: true }));
      }
      asResponse() {
        return this.responsePromise;
      }
    }
    const { parse, asResponse } = FakeAPIPromise.prototype;
    const promises = new StainlessPromises(
      Symbol('kit-test.calls'),
      Symbol('kit-test.patches'),
      KIT,
    );
    const { op, seen } = fakeOp();
    const surface = { result: () => ({ responseModel: 'm' }), accumulator };
    const promise = new FakeAPIPromise();
    promises.observe(promise, new StainlessCall(op, surface, false, false, KIT));
    expect(FakeAPIPromise.prototype.parse).not.toBe(parse);
    await expect(promise.parse()).resolves.toEqual({ parsed: true });
    await Promise.resolve();
    expect(seen.ends).toEqual([{ responseModel: 'm' }]);
    promises.restore();
    expect(FakeAPIPromise.prototype.parse).toBe(parse);
    expect(FakeAPIPromise.prototype.asResponse).toBe(asResponse);
  });

  it('ends a call whose promise has an unexpected shape, without throwing', () => {
    const promises = new StainlessPromises(Symbol('kit-test.c2'), Symbol('kit-test.p2'), KIT);
    const { op, seen } = fakeOp();
    const surface = { result: () => ({}), accumulator };
    expect(() =>
      promises.observe(
        { responsePromise: 'not a promise' },
        new StainlessCall(op, surface, false, false, KIT),
      ),
    ).not.toThrow();
    expect(seen.ends).toEqual([undefined]);
  });
});
