import { describe, expect, it } from 'vitest';
import { ResponseObserver } from '../src/serving/response-observer';
import { payloadFacts, quickContent, SseParser } from '../src/serving/sse-observer';
import { timePerOutputToken } from '../src/serving/token-timing';

function parse(writes: string[]) {
  const events: string[] = [];
  const parser = new SseParser((d) => events.push(d));
  for (const w of writes) parser.push(w);
  parser.end();
  return events;
}

describe('SseParser', () => {
  it('dispatches on blank lines with LF, CRLF and CR endings, even when split mid-terminator', () => {
    expect(parse(['data: a\n\ndata: b\r', '\n\r', '\ndata: c\r\rdata:d'])).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
  });

  it('joins multi-line data, ignores comments and other fields', () => {
    expect(parse([': ping\n', 'event: x\nid: 1\nretry: 5\ndata: one\ndata:two\ndata\n\n'])).toEqual(
      ['one\ntwo\n'],
    );
  });

  it('stops (rather than grow) on an event that never ends', () => {
    const events: string[] = [];
    const parser = new SseParser((d) => events.push(d));
    parser.push(`data: ${'x'.repeat(2 * 1024 * 1024)}`);
    expect(parser.overflow).toBe(true);
    parser.push('\n\ndata: later\n\n');
    parser.end();
    expect(events).toEqual([]);
  });
});

describe('payloadFacts', () => {
  it('counts text, reasoning, refusal and tool-call deltas as content, not role-only chunks', () => {
    const delta = (d: object) => ({ choices: [{ index: 0, delta: d }] });
    expect(payloadFacts(delta({ role: 'assistant', content: '' })).content).toBe(false);
    expect(payloadFacts(delta({ content: 'x' })).content).toBe(true);
    expect(payloadFacts(delta({ reasoning_content: 'hm' })).content).toBe(true);
    expect(payloadFacts(delta({ refusal: 'no' })).content).toBe(true);
    expect(payloadFacts(delta({ tool_calls: [{ index: 0 }] })).content).toBe(true);
    expect(payloadFacts({ choices: [{ text: 'legacy' }] }).content).toBe(true);
  });

  it('reads model, completion tokens and a bounded error type', () => {
    expect(payloadFacts({ model: 'm', usage: { completion_tokens: 9 } })).toEqual({
      content: false,
      model: 'm',
      completionTokens: 9,
    });
    expect(payloadFacts({ error: { type: 'rate_limit_error' } }).errorType).toBe(
      'rate_limit_error',
    );
    expect(payloadFacts({ error: { code: 'server_error' } }).errorType).toBe('server_error');
    // A body's own words are data, not a type: only known provider types pass.
    expect(payloadFacts({ error: { type: 'has spaces and {json}' } }).errorType).toBe('_OTHER');
    expect(payloadFacts({ error: { type: 'engine_dead' } }).errorType).toBe('_OTHER');
    expect(
      payloadFacts({ error: { type: 'x', code: 'sk-proj-abcdefghijklmnopqrstuvwx' } }).errorType,
    ).toBe('_OTHER');
    expect(payloadFacts(null)).toEqual({ content: false });
  });
});

describe('quickContent', () => {
  const chunk = (delta: unknown, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      id: 'c',
      model: 'm',
      choices: [{ index: 0, delta, finish_reason: null }],
      ...extra,
    });
  const cases = [
    chunk({ content: ' tok' }),
    chunk({ content: '' }),
    chunk({ content: null }),
    chunk({ role: 'assistant' }),
    chunk({ content: 'say \\"content\\":\\"x\\" here' }),
    chunk({ content: '"content":""' }),
    chunk({ reasoning_content: 'hm' }),
    chunk({ reasoning: '' }),
    chunk({ refusal: 'no' }),
    chunk({ tool_calls: [] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{' } }] }),
    chunk({ content: [{ type: 'text', text: 'a' }] }),
    chunk({ content: [] }),
    chunk({}, { logprobs: { content: [{ token: 'a' }] } }),
    chunk({ content: 'x' }, { logprobs: null }),
    chunk({ content: 'x' }, { usage: { completion_tokens: 3 } }),
    chunk({}, { error: { type: 'server_error' } }),
    JSON.stringify({ model: 'm', choices: [{ text: 'legacy' }] }),
    JSON.stringify({ model: 'm', choices: [{ text: '' }] }),
    JSON.stringify({ model: 'm', choices: [{ delta: { content: 'spaced' } }] }, null, 2),
    JSON.stringify({ model: 'm', choices: [{ delta: { content: 5 } }] }),
  ];
  it('answers as payloadFacts would, or leaves the event to the parser', () => {
    let answered = 0;
    for (const data of cases) {
      const quick = quickContent(data);
      if (quick === undefined) continue;
      answered++;
      expect(quick, data).toBe(payloadFacts(JSON.parse(data)).content);
    }
    expect(answered).toBeGreaterThan(12);
  });

  it('agrees with payloadFacts whatever the order and values of the keys', () => {
    // Each key with the value types the OpenAI wire gives it; quickContent reads
    // a key's value by its type there (a `text` array, say, it would take for output).
    const deltaValues: Record<string, unknown[]> = {
      content: ['x', '', null, [], [{ type: 'text', text: '' }]],
      reasoning_content: ['x', '', null],
      reasoning: ['x', '', null],
      refusal: ['x', '', null],
      tool_calls: [[], [{ index: 0, function: { arguments: '' } }], null],
      role: ['assistant', null],
    };
    const keys = Object.keys(deltaValues);
    const extras: Record<string, unknown>[] = [
      {},
      { text: '' },
      { text: 'x' },
      { logprobs: null },
      { logprobs: { content: [] } },
      { finish_reason: 'stop' },
    ];
    let answered = 0;
    let seed = 7;
    const pick = <T>(list: T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return list[seed % list.length]!;
    };
    for (let n = 0; n < 2000; n++) {
      const delta: Record<string, unknown> = {};
      for (let k = 0; k < 3; k++) {
        const key = pick(keys);
        delta[key] = pick(deltaValues[key]!);
      }
      const choice = { index: 0, ...pick(extras), delta };
      const data = JSON.stringify({
        model: 'm',
        choices: [choice],
        ...pick([{}, { usage: null }]),
      });
      const quick = quickContent(data);
      if (quick === undefined) continue;
      answered++;
      expect(quick, data).toBe(payloadFacts(JSON.parse(data)).content);
    }
    expect(answered).toBeGreaterThan(500);
  });
});

describe('ResponseObserver', () => {
  const hints = (type?: string, encoding?: string, stream = false) => ({
    contentType: () => type,
    contentEncoding: () => encoding,
    streamRequested: () => stream,
  });
  const event = (content: string) =>
    `data: ${JSON.stringify({ model: 'm', choices: [{ delta: { content } }] })}\n\n`;

  it('sniffs SSE when the headers are not visible, and times content events by write', () => {
    const o = new ResponseObserver(hints());
    o.chunk(event('a'), undefined, 100);
    o.chunk(Buffer.from(event('b') + event('c')), undefined, 130);
    const seen = o.end(140);
    expect(seen).toMatchObject({ streamed: true, firstContentAt: 100, lastContentAt: 130 });
    expect(seen.gapsMs).toEqual([30, 0]);
    expect(timePerOutputToken(seen)).toEqual([0.03, 0]);
  });

  it('decodes non-UTF-8 string encodings and UTF-8 split across Buffers', () => {
    const o = new ResponseObserver(hints('text/event-stream'));
    const bytes = Buffer.from(event('✓'));
    const cut = bytes.indexOf(Buffer.from('✓')) + 1;
    o.chunk(bytes.subarray(0, cut), undefined, 1);
    o.chunk(bytes.subarray(cut), undefined, 2);
    o.chunk(Buffer.from(event('x')).toString('base64'), 'base64', 3);
    expect(o.end(4).contentEvents).toBe(2);
  });

  it('reads a JSON body at the end, and gives no token timings for it', () => {
    const o = new ResponseObserver(hints('application/json; charset=utf-8'));
    o.chunk('{"model":"m2","usage":{"completion_tokens":', undefined, 1);
    o.chunk('4}}', undefined, 2);
    const seen = o.end(3);
    expect(seen).toMatchObject({ streamed: false, responseModel: 'm2', completionTokens: 4 });
    expect(timePerOutputToken(seen)).toEqual([]);
  });

  it('stays out of compressed bodies and unknown content', () => {
    const gz = new ResponseObserver(hints('text/event-stream', 'gzip'));
    gz.chunk(event('a'), undefined, 1);
    expect(gz.end(2).contentEvents).toBe(0);
    const html = new ResponseObserver(hints('text/html'));
    html.chunk('<html>data: x</html>', undefined, 1);
    expect(html.end(2)).toMatchObject({ streamed: false, contentEvents: 0 });
  });
});

describe('timePerOutputToken', () => {
  const base = { streamed: true, firstContentAt: 0, gapsMs: [10, 20, 30], contentEvents: 4 };
  it('uses the real gaps when there is one token per event', () => {
    expect(timePerOutputToken({ ...base, lastContentAt: 60 })).toEqual([0.01, 0.02, 0.03]);
    expect(timePerOutputToken({ ...base, lastContentAt: 60, completionTokens: 4 })).toEqual([
      0.01, 0.02, 0.03,
    ]);
  });
  it('spreads first-to-last content time evenly over usage.completion_tokens - 1', () => {
    expect(timePerOutputToken({ ...base, lastContentAt: 60, completionTokens: 7 })).toEqual(
      new Array(6).fill(0.01),
    );
  });
  it('gives nothing when only one event carried content', () => {
    expect(
      timePerOutputToken({
        streamed: true,
        firstContentAt: 5,
        lastContentAt: 5,
        gapsMs: [],
        contentEvents: 1,
        completionTokens: 50,
      }),
    ).toEqual([]);
  });
});
