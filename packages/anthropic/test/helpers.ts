import Anthropic1 from '@anthropic-ai/sdk';
import { type InstrumentAnthropicOptions, instrumentAnthropic } from '@llmeter/anthropic';
import type { LLMeterOptions } from '@llmeter/core';
import { type MockLLM, startMockLLM } from '@llmeter/testing';
import { type InMemoryLLMeter, type ReadableSpan, setupInMemory } from '@llmeter/testing/in-memory';
import Anthropic0 from 'anthropic0';

/** Both supported majors (1.x speaks API version 2026-10-21, 0.x 2023-06-01); every suite runs on each. */
export const SDKS = [
  { name: '@anthropic-ai/sdk 1', Anthropic: Anthropic1 as any },
  { name: '@anthropic-ai/sdk 0', Anthropic: Anthropic0 as any },
] as const;
export type Sdk = (typeof SDKS)[number];

export const MODEL = 'claude-sonnet-4-5';
export const BODY = {
  model: MODEL,
  max_tokens: 64,
  messages: [{ role: 'user', content: 'Say hello.' }],
};
/** The mock's default reply: one text block of 8 tokens, one delta each. */
export const TOKENS = 8;
export const WEATHER = {
  name: 'get_weather',
  description: 'Weather of a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } } },
};

export type LogLine = Record<string, unknown>;

export interface Harness {
  mock: MockLLM;
  t: InMemoryLLMeter;
  logLines: LogLine[];
  /** The SDK's base URL for the mock (it adds /v1/messages itself). */
  baseURL: string;
  /** A plain client of `sdk` pointed at the mock server. */
  plain(sdk: Sdk, clientOptions?: Record<string, unknown>): any;
  /** An instrumented client of `sdk` pointed at the mock server. */
  client(
    sdk: Sdk,
    options?: InstrumentAnthropicOptions,
    clientOptions?: Record<string, unknown>,
  ): any;
  /** A fresh collection of metrics, the spans and the log lines so far, then clears them. */
  drain(): Promise<{ spans: ReadableSpan[]; metrics: Metrics; logLines: LogLine[] }>;
  close(): Promise<void>;
}

/** A pino-shaped logger that keeps the lines. */
function memoryLogger(lines: LogLine[]) {
  const write = (line: LogLine) => {
    lines.push(line);
  };
  const logger: any = {
    isLevelEnabled: () => true,
    info: write,
    warn: write,
    error: write,
    debug: write,
  };
  logger.child = () => logger;
  return logger;
}

export async function harness(options: LLMeterOptions = {}): Promise<Harness> {
  const mock = await startMockLLM();
  const logLines: LogLine[] = [];
  const t = setupInMemory({ logger: memoryLogger(logLines), ...options });
  const baseURL = `http://127.0.0.1:${mock.port}`;
  const plain = (sdk: Sdk, clientOptions?: Record<string, unknown>) =>
    new sdk.Anthropic({ apiKey: 'sk-ant-test', baseURL, maxRetries: 0, ...clientOptions });
  return {
    mock,
    t,
    logLines,
    baseURL,
    plain,
    client: (sdk, instrumentOptions, clientOptions) =>
      instrumentAnthropic(plain(sdk, clientOptions), instrumentOptions),
    async drain() {
      const spans = [...t.spans()];
      const metrics = new Metrics(t, await t.collectMetrics());
      const lines = logLines.splice(0);
      t.reset();
      return { spans, metrics, logLines: lines };
    },
    async close() {
      await t.shutdown();
      await mock.close();
    },
  };
}

type Point = { attributes: Record<string, unknown>; value: any };

/** Reads data points out of one DELTA collection. */
export class Metrics {
  constructor(
    private readonly t: InMemoryLLMeter,
    private readonly collected: Awaited<ReturnType<InMemoryLLMeter['collectMetrics']>>,
  ) {}

  points(name: string): Point[] {
    return (this.t.metric(this.collected, name)?.dataPoints ?? []) as Point[];
  }

  /** Observations of a histogram across its series. */
  count(name: string): number {
    return this.points(name).reduce((sum, p) => sum + (p.value?.count ?? 0), 0);
  }

  /** Token observations summed by gen_ai.token.type. */
  tokens(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const p of this.points('gen_ai.client.token.usage')) {
      const type = String(p.attributes['gen_ai.token.type']);
      out[type] = (out[type] ?? 0) + p.value.sum;
    }
    return out;
  }

  /** A counter summed across its series. */
  sum(name: string): number {
    return this.points(name).reduce(
      (sum, p) => sum + (typeof p.value === 'number' ? p.value : 0),
      0,
    );
  }
}

export function onlySpan(spans: ReadableSpan[]): ReadableSpan {
  if (spans.length !== 1) {
    throw new Error(`expected 1 span, got ${spans.length}: ${spans.map((s) => s.name).join(', ')}`);
  }
  return spans[0]!;
}

/** The one `llm_call_completed` line, which must carry the span's trace and span ids. */
export function onlyLogLine(lines: LogLine[], span: ReadableSpan): LogLine {
  const completed = lines.filter((l) => l.event === 'llm_call_completed');
  if (completed.length !== 1)
    throw new Error(`expected 1 llm_call_completed line, got ${completed.length}`);
  const line = completed[0]!;
  const { traceId, spanId } = span.spanContext();
  if (line.trace_id !== traceId || line.span_id !== spanId) {
    throw new Error(`the log line's trace_id/span_id are not the span's: ${JSON.stringify(line)}`);
  }
  return line;
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** A span's end can lag the consumer by a microtask or two: wait until `n` have ended. */
export async function waitForSpans(t: InMemoryLLMeter, n: number, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (t.spans().length < n) {
    if (Date.now() > until) throw new Error(`only ${t.spans().length} of ${n} spans ended`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The semconv input token count of an Anthropic usage: input plus cache read plus cache creation. */
export function semconvInput(usage: any): number {
  return (
    usage.input_tokens +
    (usage.cache_read_input_tokens ?? 0) +
    (usage.cache_creation_input_tokens ?? 0)
  );
}
