import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ObservedRun, observedInferenceCount, type RunTree } from '../src/internal';

/**
 * Core's count-once algorithm (recorder/coordination.ts) on its own: a
 * framework's observed model runs and an SDK adapter's operation under them.
 */
let t: InMemoryLLMeter;
beforeEach(() => {
  t = setupInMemory();
});
afterEach(async () => {
  await t.shutdown();
});

/** A run tree of fixed parents, with a settable executing run. */
function tree(parents: Record<string, string | undefined>) {
  const view: RunTree & { now?: string } = {
    executing: () => view.now,
    has: (id) => id in parents,
    parentOf: (id) => parents[id],
  };
  return view;
}

function observe(runId: string, parentId: string | undefined, callerContext: any, runs: RunTree) {
  const run: ObservedRun = { runId, parentId, callerContext, tree: runs };
  return t.llmeter.recorder.startOperation({ requestModel: 'm' }, run);
}

describe('count once', () => {
  it("nests an SDK call started in the observed run's caller context, and hands it the measurements", () => {
    const caller = context.active();
    const outer = observe('a', undefined, caller, tree({ a: undefined }));
    const inner = context.with(caller, () =>
      t.llmeter.recorder.startOperation({ requestModel: 'm' }),
    );
    expect(inner.nested).toBe(true);
    inner.end({ usage: { inputTokens: 3, outputTokens: 4 }, responseModel: 'm-1' });
    outer.end();
    expect(observedInferenceCount()).toBe(0);
    const spans = t.spans();
    const [innerSpan, outerSpan] = spans;
    expect(innerSpan?.parentSpanContext?.spanId).toBe(outerSpan?.spanContext().spanId);
    expect(outerSpan?.attributes['gen_ai.usage.input_tokens']).toBe(3);
    expect(outerSpan?.attributes['gen_ai.response.model']).toBe('m-1');
  });

  it('never matches a call of another caller', () => {
    const span = trace.getTracer('t').startSpan('request a');
    const outer = observe(
      'a',
      undefined,
      trace.setSpan(ROOT_CONTEXT, span),
      tree({ a: undefined }),
    );
    const other = trace.setSpan(ROOT_CONTEXT, trace.getTracer('t').startSpan('request b'));
    const inner = t.llmeter.recorder.startOperation({ parentContext: other });
    expect(inner.nested).toBe(false);
    inner.end();
    outer.end();
  });

  it('an observed run never nests under another observed run of the same caller', () => {
    const caller = context.active();
    const runs = tree({ a: undefined, b: undefined });
    const first = observe('a', undefined, caller, runs);
    const second = observe('b', undefined, caller, runs);
    expect(second.nested).toBe(false);
    first.end();
    second.end();
  });

  it('within the executing run: a run outside it is passed over for a free one inside', () => {
    const caller = context.active();
    const runs = tree({
      root: undefined,
      branchA: 'root',
      a: 'branchA',
      branchB: 'root',
      b: 'branchB',
    });
    const inA = observe('a', 'branchA', caller, runs);
    const inB = observe('b', 'branchB', caller, runs);
    runs.now = 'branchB';
    const inner = t.llmeter.recorder.startOperation({ parentContext: caller });
    inner.end();
    inA.end();
    inB.end();
    const byName = (id: string | undefined) => t.spans().find((s) => s.spanContext().spanId === id);
    const innerSpan = t.spans()[0];
    // The SDK call went to run b (under the executing branch), the later-started one.
    expect(byName(innerSpan?.parentSpanContext?.spanId)).toBe(t.spans()[2]);
  });
});
