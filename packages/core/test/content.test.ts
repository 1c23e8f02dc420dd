import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import { afterEach, describe, expect, it } from 'vitest';
import { boundedJson } from '../src/content';
import { ATTR } from '../src/index';

let t: InMemoryLLMeter | undefined;
afterEach(async () => {
  await t?.shutdown();
});

const input = [
  { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
  { role: 'user', parts: [{ type: 'text', content: 'My card is 4111-1111-1111-1111' }] },
];
const output = [
  { role: 'assistant', parts: [{ type: 'text', content: 'Noted.' }], finish_reason: 'stop' },
];

describe('content capture', () => {
  it('is off by default: no prompt or completion on spans', () => {
    t = setupInMemory();
    t.llmeter.recorder
      .startOperation({ requestModel: 'gpt-4o', inputMessages: input })
      .end({ outputMessages: output });
    const [span] = t.spans();
    expect(span.attributes[ATTR.INPUT_MESSAGES]).toBeUndefined();
    expect(span.attributes[ATTR.OUTPUT_MESSAGES]).toBeUndefined();
    expect(JSON.stringify(span.attributes)).not.toContain('4111');
  });

  it('when on, records the semconv message shape after the redaction hook', () => {
    t = setupInMemory({
      captureContent: true,
      redact: (m) => ({
        ...m,
        parts: m.parts.map((p) =>
          p.type === 'text'
            ? { ...p, content: String(p.content).replace(/\d{4}-\d{4}-\d{4}-\d{4}/g, '[card]') }
            : p,
        ),
      }),
    });
    t.llmeter.recorder
      .startOperation({ requestModel: 'gpt-4o', inputMessages: input })
      .end({ outputMessages: output });
    const [span] = t.spans();
    const recorded = JSON.parse(String(span.attributes[ATTR.INPUT_MESSAGES]));
    expect(recorded[1]).toEqual({
      role: 'user',
      parts: [{ type: 'text', content: 'My card is [card]' }],
    });
    expect(JSON.parse(String(span.attributes[ATTR.OUTPUT_MESSAGES]))).toEqual(output);
  });

  it('records nothing when the redaction hook throws (fails closed)', () => {
    t = setupInMemory({
      captureContent: true,
      redact: () => {
        throw new Error('redactor down');
      },
    });
    t.llmeter.recorder
      .startOperation({ requestModel: 'gpt-4o', inputMessages: input })
      .end({ outputMessages: output });
    const [span] = t.spans();
    expect(span.attributes[ATTR.INPUT_MESSAGES]).toBeUndefined();
    expect(JSON.stringify(span.attributes)).not.toContain('4111');
  });

  it('truncates long content and keeps valid JSON', () => {
    const long = [
      { role: 'user', parts: [{ type: 'text', content: 'x'.repeat(50_000) }] },
      ...input,
    ];
    const json = boundedJson(long, 1000)!;
    expect(json.length).toBeLessThanOrEqual(1000);
    expect(() => JSON.parse(json)).not.toThrow();
    expect(json).toContain('truncated');
    const many = Array.from({ length: 500 }, (_, i) => ({
      role: 'user',
      parts: [{ type: 'text', content: `m${i}` }],
    }));
    const bounded = boundedJson(many, 2000)!;
    expect(bounded.length).toBeLessThanOrEqual(2000);
    expect(() => JSON.parse(bounded)).not.toThrow();
  });
});
