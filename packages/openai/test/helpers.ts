import type { LLMeterOptions } from '@llmeter/core';
import { type InstrumentOpenAIOptions, instrumentOpenAI } from '@llmeter/openai';
import { type MockLLM, startMockLLM } from '@llmeter/testing';
import { type InMemoryLLMeter, type ReadableSpan, setupInMemory } from '@llmeter/testing/in-memory';
import OpenAI7, { AzureOpenAI as AzureOpenAI7 } from 'openai';
import OpenAI6, { AzureOpenAI as AzureOpenAI6 } from 'openai6';

/** Both supported majors; every surface suite runs against each. */
export const SDKS = [
  { name: 'openai 7', OpenAI: OpenAI7 as any, AzureOpenAI: AzureOpenAI7 as any },
  { name: 'openai 6', OpenAI: OpenAI6 as any, AzureOpenAI: AzureOpenAI6 as any },
] as const;
export type Sdk = (typeof SDKS)[number];

export type LogLine = Record<string, unknown>;

export interface Harness {
  mock: MockLLM;
  t: InMemoryLLMeter;
  /** Lines written through the app logger (`llm_call_completed` ones among them). */
  logLines: LogLine[];
  /** An instrumented client of `sdk` pointed at the mock server. */
  client(sdk: Sdk, options?: InstrumentOpenAIOptions, clientOptions?: Record<string, unknown>): any;
  /** A fresh collection of metrics, the spans and the log lines so far, then clears them. */
  drain(): Promise<{ spans: ReadableSpan[]; metrics: Metrics; logLines: LogLine[] }>;
  close(): Promise<void>;
}

/** A pino-shaped logger that keeps the lines, for asserting the log line. */
function memoryLogger(lines: Record<string, unknown>[]) {
  const write = (obj: Record<string, unknown>) => {
    lines.push(obj);
  };
  const logger: any = {
    isLevelEnabled: () => true,
    info: write,
    warn: write,
    error: write,
    debug: write,
    child: () => logger,
  };
  return logger;
}

export async function harness(options: LLMeterOptions = {}): Promise<Harness> {
  const mock = await startMockLLM();
  const logLines: Record<string, unknown>[] = [];
  const t = setupInMemory({ logger: memoryLogger(logLines), ...options });
  return {
    mock,
    t,
    logLines,
    client(sdk, instrumentOptions, clientOptions) {
      return instrumentOpenAI(
        new sdk.OpenAI({ apiKey: 'sk-test', baseURL: mock.url, maxRetries: 0, ...clientOptions }),
        instrumentOptions,
      );
    },
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

  /** Total observation count of a histogram across its series. */
  count(name: string): number {
    return this.points(name).reduce((sum, p) => sum + (p.value?.count ?? 0), 0);
  }

  /** Sum of a histogram's token observations by gen_ai.token.type. */
  tokens(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const p of this.points('gen_ai.client.token.usage')) {
      const type = String(p.attributes['gen_ai.token.type']);
      out[type] = (out[type] ?? 0) + p.value.sum;
    }
    return out;
  }

  /** Sum of a counter across its series. */
  sum(name: string): number {
    return this.points(name).reduce(
      (sum, p) => sum + (typeof p.value === 'number' ? p.value : 0),
      0,
    );
  }
}

/** The one span of a test; fails loudly when there are more or fewer. */
export function onlySpan(spans: ReadableSpan[]): ReadableSpan {
  if (spans.length !== 1) {
    throw new Error(`expected 1 span, got ${spans.length}: ${spans.map((s) => s.name).join(', ')}`);
  }
  return spans[0]!;
}

/**
 * The one `llm_call_completed` line of a test, which must carry the trace and
 * span ids of `span` (the line is how logs join traces); fails loudly otherwise.
 */
export function onlyLogLine(lines: LogLine[], span: ReadableSpan): LogLine {
  const completed = lines.filter((l) => l.event === 'llm_call_completed');
  if (completed.length !== 1) {
    throw new Error(`expected 1 llm_call_completed line, got ${completed.length}`);
  }
  const line = completed[0]!;
  const { traceId, spanId } = span.spanContext();
  if (line.trace_id !== traceId || line.span_id !== spanId) {
    throw new Error(`the log line's trace_id/span_id are not the span's: ${JSON.stringify(line)}`);
  }
  return line;
}

/** Consumes an async iterable, returning its items. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** The spans' end can lag the consumer by a microtask or two: wait until `n` have ended. */
export async function waitForSpans(t: InMemoryLLMeter, n: number, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (t.spans().length < n) {
    if (Date.now() > until) throw new Error(`only ${t.spans().length} of ${n} spans ended`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
