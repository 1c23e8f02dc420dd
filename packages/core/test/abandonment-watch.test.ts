import { afterEach, describe, expect, it, vi } from 'vitest';
import { internalLogger } from '../src/internal-log';
import { type AbandonmentWatcher, watchAbandonment } from '../src/recorder/abandoned';

// The collector's side is covered end to end by each adapter's abandoned.test.ts
// (a child process with --expose-gc); this is which objects get registered.

afterEach(() => {
  vi.restoreAllMocks();
});

function spyOnRegister() {
  return vi.spyOn(FinalizationRegistry.prototype, 'register');
}

/** Past the two microtask hops registration waits for, and one macrotask more. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function watcher(open: () => boolean): AbandonmentWatcher {
  return { abandoned: vi.fn(), canBeAbandoned: open };
}

describe('watchAbandonment', () => {
  it('does not register what the caller consumes in the same turn (an await of a promise subclass)', async () => {
    const register = spyOnRegister();
    let consumed = false;
    // As the SDKs' APIPromise: a Promise subclass whose `then` starts the work.
    class LazyPromise<T> extends Promise<T> {
      // biome-ignore lint/suspicious/noThenProperty: the shape under test is a promise's own then
      override then<A = T, B = never>(
        onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
        onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
      ): Promise<A | B> {
        consumed = true;
        return super.then(onFulfilled, onRejected);
      }
    }
    const promise = new LazyPromise<number>((resolve) => resolve(1));
    watchAbandonment(
      promise,
      watcher(() => !consumed),
    );
    await promise;
    await settle();
    expect(consumed).toBe(true);
    expect(register).not.toHaveBeenCalled();
  });

  it('registers what is still unconsumed once the hops have passed, with its watcher', async () => {
    const register = spyOnRegister();
    const target = {};
    const w = watcher(() => true);
    watchAbandonment(target, w);
    expect(register).not.toHaveBeenCalled();
    await settle();
    expect(register).toHaveBeenCalledTimes(1);
    expect(register).toHaveBeenCalledWith(target, w);
  });

  it('registers a watcher that cannot tell (no canBeAbandoned), and every one of a batch', async () => {
    const register = spyOnRegister();
    const targets = [{}, {}, {}];
    for (const target of targets) watchAbandonment(target, { abandoned: vi.fn() });
    watchAbandonment(
      {},
      watcher(() => false),
    );
    await settle();
    expect(register.mock.calls.map(([target]) => target)).toEqual(targets);
  });

  it('ignores what cannot be collected, and never throws, even when the check throws', async () => {
    const register = spyOnRegister();
    const reported = vi.spyOn(internalLogger(), 'error').mockImplementation(() => undefined);
    expect(() =>
      watchAbandonment(
        undefined,
        watcher(() => true),
      ),
    ).not.toThrow();
    expect(() =>
      watchAbandonment(
        42,
        watcher(() => true),
      ),
    ).not.toThrow();
    const throwing = watcher(() => {
      throw new Error('boom');
    });
    expect(() => watchAbandonment({}, throwing)).not.toThrow();
    const after = {};
    watchAbandonment(
      after,
      watcher(() => true),
    );
    await settle();
    expect(register).toHaveBeenCalledTimes(1);
    expect(register).toHaveBeenCalledWith(after, expect.anything());
    expect(reported).toHaveBeenCalledTimes(1);
  });
});
