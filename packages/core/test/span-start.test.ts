import { setupInMemory } from '@llmeter/testing/in-memory';
import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import { type Sampler, SamplingDecision, type SamplingResult } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { ATTR } from '../src/index';

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
