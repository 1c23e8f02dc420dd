import { setupInMemory } from '@llmeter/testing/in-memory';
import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  InMemorySpanExporter,
  ParentBasedSampler,
  type ReadableSpan,
  type Sampler,
  SamplingDecision,
  type SamplingResult,
  SimpleSpanProcessor,
  type Span,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';
import { describe, expect, it, vi } from 'vitest';
import { ATTR, type LLMeter } from '../src/index';

/** Keeps what each span's sampler was shown: the attributes a span starts with. */
class RecordingSampler implements Sampler {
  readonly seen: Attributes[] = [];
  shouldSample(
    _context: Context,
    _traceId: string,
    _name: string,
    _kind: SpanKind,
    attributes: Attributes,
    _links: Link[],
  ): SamplingResult {
    this.seen.push({ ...attributes });
    return { decision: SamplingDecision.RECORD_AND_SAMPLED };
  }
  toString(): string {
    return 'RecordingSampler';
  }
}

const REQUEST = {
  operation: 'chat',
  provider: 'openai',
  requestModel: 'gpt-4o-mini',
  serverAddress: 'api.openai.com',
  serverPort: 443,
};
const TUPLE = {
  [ATTR.OPERATION_NAME]: 'chat',
  [ATTR.PROVIDER_NAME]: 'openai',
  [ATTR.REQUEST_MODEL]: 'gpt-4o-mini',
  [ATTR.SERVER_ADDRESS]: 'api.openai.com',
  [ATTR.SERVER_PORT]: 443,
};

describe('the attributes an inference span starts with (what a sampler sees)', () => {
  it('are the request tuple, plus an adapter’s own start attributes for that call only', async () => {
    const sampler = new RecordingSampler();
    const t = setupInMemory({ sampler });
    try {
      const recorder = t.llmeter.recorder;
      recorder.startOperation(REQUEST).end();
      recorder
        .startOperation({ ...REQUEST, attributes: { 'openai.request.service_tier': 'flex' } })
        .end();
      recorder.startOperation(REQUEST).end();
      recorder.startOperation({ ...REQUEST, serverPort: 8443 }).end();
      expect(sampler.seen).toEqual([
        TUPLE,
        { ...TUPLE, 'openai.request.service_tier': 'flex' },
        TUPLE,
        { ...TUPLE, [ATTR.SERVER_PORT]: 8443 },
      ]);
      // Each finished span has its own attributes: the request tuple's shared set is not theirs.
      const [first, second] = t.spans();
      expect(first?.attributes).not.toBe(second?.attributes);
      expect(second?.attributes).toMatchObject({ 'openai.request.service_tier': 'flex' });
      expect(t.spans()[2]?.attributes).not.toHaveProperty('openai.request.service_tier');
    } finally {
      await t.shutdown();
    }
  });
});

/** Keeps the attributes each span had when a processor saw it start. */
class StartReadingProcessor extends SimpleSpanProcessor {
  readonly seen: Record<string, Attributes> = {};
  constructor() {
    super({ exporter: new InMemorySpanExporter() });
  }
  override onStart(span: Span): void {
    this.seen[span.name] = { ...span.attributes };
  }
}

/** One of each span llmeter starts, every one with its start attributes. */
function startEverySpan(recorder: LLMeter['recorder']): void {
  recorder.startOperation(REQUEST).end();
  recorder.startTool({ name: 'lookup', callId: 'call_1' }).end();
  recorder.startAgent({ name: 'planner', provider: 'openai' }).end();
  recorder.startWorkflow({ name: 'ingest' }).end();
  recorder.startRetrieval({ name: 'docs' }).end();
  recorder
    .startMcp({ side: 'client', method: 'tools/call', toolName: 'lookup', requestId: 7 })
    .end();
}

/** What a span starts with: the keys it carries and their order, before the rest. */
function startKeys(span: ReadableSpan, count: number): string[] {
  return Object.keys(span.attributes).slice(0, count);
}

describe('the attributes a span starts with, set after its start where nothing reads them there', () => {
  it('reach a processor of the application at onStart, for every kind of span', async () => {
    const processor = new StartReadingProcessor();
    const t = setupInMemory({ spanProcessors: [processor] });
    try {
      startEverySpan(t.llmeter.recorder);
      expect(processor.seen['chat gpt-4o-mini']).toEqual(TUPLE);
      expect(processor.seen['execute_tool lookup']).toMatchObject({
        [ATTR.OPERATION_NAME]: 'execute_tool',
        [ATTR.TOOL_NAME]: 'lookup',
        [ATTR.TOOL_CALL_ID]: 'call_1',
      });
      expect(processor.seen['invoke_agent planner']).toMatchObject({
        [ATTR.AGENT_NAME]: 'planner',
      });
      expect(processor.seen['invoke_workflow ingest']).toMatchObject({
        [ATTR.OPERATION_NAME]: 'invoke_workflow',
      });
      expect(Object.keys(processor.seen)).toHaveLength(6);
      for (const attributes of Object.values(processor.seen)) {
        expect(Object.keys(attributes).length).toBeGreaterThan(0);
      }
    } finally {
      await t.shutdown();
    }
  });

  it('end up on the finished span the same, in the same order, as when passed at the start', async () => {
    // A sampler given: the attributes go to startSpan. The SDK's processors only: set after.
    const spansOf = async (options: Parameters<typeof setupInMemory>[0]) => {
      const t = setupInMemory(options);
      const startSpan = vi.spyOn(t.llmeter.tracer, 'startSpan');
      try {
        startEverySpan(t.llmeter.recorder);
        const passed = startSpan.mock.calls.map(([, o]) => o?.attributes !== undefined);
        return { spans: t.spans(), passed };
      } finally {
        await t.shutdown();
      }
    };
    const atStart = await spansOf({ sampler: new RecordingSampler() });
    const after = await spansOf({});
    expect(atStart.passed).toEqual(Array(6).fill(true));
    expect(after.passed).toEqual(Array(6).fill(false));
    expect(after.spans.map((s) => s.name)).toEqual(atStart.spans.map((s) => s.name));
    for (const [i, span] of after.spans.entries()) {
      const expected = atStart.spans[i] as ReadableSpan;
      expect(span.attributes).toEqual(expected.attributes);
      expect(Object.keys(span.attributes)).toEqual(Object.keys(expected.attributes));
      expect(span.droppedAttributesCount).toBe(expected.droppedAttributesCount);
    }
    expect(startKeys(after.spans[0] as ReadableSpan, 5)).toEqual(Object.keys(TUPLE));
  });

  it('are set after the start with a sampler option that decides on the trace id alone', async () => {
    /** Whether each span llmeter starts was given its attributes at the start. */
    const passedAtStart = async (sampler: Sampler) => {
      const t = setupInMemory({ sampler });
      const startSpan = vi.spyOn(t.llmeter.tracer, 'startSpan');
      try {
        startEverySpan(t.llmeter.recorder);
        return startSpan.mock.calls.map(([, o]) => o?.attributes !== undefined);
      } finally {
        await t.shutdown();
      }
    };
    class OwnDecision extends AlwaysOnSampler {}
    for (const sampler of [
      new AlwaysOnSampler(),
      new AlwaysOffSampler(),
      new TraceIdRatioBasedSampler(0.5),
    ]) {
      expect(await passedAtStart(sampler)).toEqual(Array(6).fill(false));
    }
    // A ParentBased option may hold any sampler; a subclass may read what it is shown.
    for (const sampler of [
      new ParentBasedSampler({ root: new AlwaysOnSampler() }),
      new OwnDecision(),
    ]) {
      expect(await passedAtStart(sampler)).toEqual(Array(6).fill(true));
    }
  });

  it('are not set at all on a span sampled out, and its metrics are recorded the same', async () => {
    vi.stubEnv('OTEL_TRACES_SAMPLER', 'always_off');
    const t = setupInMemory();
    try {
      const op = t.llmeter.recorder.startOperation(REQUEST);
      expect(op.span.isRecording()).toBe(false);
      op.end({ usage: { inputTokens: 3 } });
      expect(t.spans()).toEqual([]);
      expect(await t.metricsText()).toMatch(
        /^gen_ai_client_operation_duration_seconds_count\{[^}]*gen_ai_request_model="gpt-4o-mini"[^}]*\} 1$/m,
      );
    } finally {
      vi.unstubAllEnvs();
      await t.shutdown();
    }
  });
});
