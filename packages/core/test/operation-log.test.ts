import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../src/logger';
import { OperationLog } from '../src/operation-log';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';

function operation(overrides: Record<string, unknown> = {}) {
  return {
    span: { spanContext: () => ({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 }) },
    operation: 'chat',
    provider: 'openai',
    requestModel: 'gpt-4o-mini',
    responseModel: 'gpt-4o-mini-2024-07-18',
    finishReasons: ['stop', 'length'],
    usage: {
      inputTokens: 1000,
      outputTokens: 200,
      cacheReadInputTokens: 300,
      reasoningOutputTokens: 64,
    },
    stream: true,
    timeToFirstChunkS: 0.123_456_789,
    inputMessagesJson: undefined as string | undefined,
    ...overrides,
  } as unknown as Parameters<OperationLog['inference']>[0];
}

function outcome(overrides: Record<string, unknown> = {}) {
  return {
    durationS: 1.234_567_89,
    errorType: undefined as string | undefined,
    costUsd: 0.000_345,
    incomplete: false,
    outputMessagesJson: undefined as string | undefined,
    ...overrides,
  };
}

/** The raw lines one OperationLog writes through llmeter's own logger (`own`) or through pino's API. */
function logWith(own: boolean, level = 'info') {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      raw.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level }, { write: (line: string) => stream.write(line) });
  return { log: new OperationLog(logger, own), logger, raw };
}

/** The line as parsed JSON, without the time (the two writes are not in the same millisecond). */
function parsed(raw: string): Record<string, unknown> {
  const { time, ...rest } = JSON.parse(raw);
  expect(typeof time).toBe('number');
  return rest;
}

const CASES: Array<[string, ReturnType<typeof operation>, ReturnType<typeof outcome>]> = [
  ['a streamed call with every field', operation(), outcome()],
  [
    'a failed call with no usage, no response model and no time to first chunk',
    operation({
      responseModel: undefined,
      usage: undefined,
      finishReasons: undefined,
      timeToFirstChunkS: undefined,
      stream: false,
    }),
    outcome({ errorType: 'RateLimitError', costUsd: undefined, incomplete: true }),
  ],
  [
    'names and captured content that need escaping, numbers that are not finite',
    operation({
      requestModel: 'm"o\\d\ne\u0001l \u2028 ünï \ud800',
      responseModel: undefined,
      usage: { inputTokens: Number.NaN, outputTokens: Number.POSITIVE_INFINITY },
      inputMessagesJson:
        '[{"role":"user","parts":[{"type":"text","content":"hi \\"there\\"\\n"}]}]',
    }),
    outcome({ outputMessagesJson: '[{"role":"assistant","parts":[]}]', costUsd: 0 }),
  ],
];

describe('the llm_call_completed line through llmeter’s own logger', () => {
  for (const [name, op, result] of CASES) {
    it(`is what pino writes for the same operation: ${name}`, () => {
      const own = logWith(true);
      const viaPino = logWith(false);
      // Our own serialisation, not pino's API, wrote the first one.
      const info = vi.spyOn(own.logger, 'info');
      const warn = vi.spyOn(own.logger, 'warn');
      own.log.inference(op, result);
      expect(info).not.toHaveBeenCalled();
      expect(warn).not.toHaveBeenCalled();
      viaPino.log.inference(op, result);
      own.logger.flush();
      expect(own.raw).toHaveLength(1);
      expect(viaPino.raw).toHaveLength(1);
      expect(own.raw[0]?.endsWith('}\n')).toBe(true);
      const ours = parsed(own.raw[0]!);
      expect(ours).toEqual(parsed(viaPino.raw[0]!));
      expect(Object.keys(ours).at(-1)).toBe('msg');
      expect(Object.keys(ours).slice(0, 4)).toEqual(['level', 'pid', 'hostname', 'event']);
    });
  }

  it('honours the level and bindings set on the logger after init', () => {
    const own = logWith(true);
    own.logger.setBindings({ pod: 'agent-7' });
    own.log.inference(operation(), outcome());
    own.logger.level = 'error';
    own.log.inference(operation(), outcome({ errorType: 'timeout' }));
    expect(own.raw).toHaveLength(1);
    expect(parsed(own.raw[0]!)).toMatchObject({ level: 30, pod: 'agent-7' });
  });

  it('writes failures at warn', () => {
    const own = logWith(true, 'warn');
    own.log.inference(operation(), outcome());
    own.log.inference(operation(), outcome({ errorType: 'timeout' }));
    expect(own.raw).toHaveLength(1);
    expect(parsed(own.raw[0]!)).toMatchObject({ level: 40, error_type: 'timeout' });
  });
});
