import { GoogleGenAI } from '@google/genai';
import type { LLMeterOptions } from '@llmeter/core';
import { type InstrumentGoogleGenAIOptions, instrumentGoogleGenAI } from '@llmeter/google-genai';
import { type MockLLM, startMockLLM } from '@llmeter/testing';
import { type InMemoryLLMeter, type ReadableSpan, setupInMemory } from '@llmeter/testing/in-memory';

export type LogLine = Record<string, unknown>;

export interface Harness {
  mock: MockLLM;
  /** The mock's origin: `httpOptions.baseUrl` of a client pointed at it. */
  baseUrl: string;
  t: InMemoryLLMeter;
  logLines: LogLine[];
  /** A plain `GoogleGenAI` client pointed at the mock server. */
  raw(clientOptions?: Record<string, unknown>): GoogleGenAI;
  /** An instrumented one. */
  client(
    options?: InstrumentGoogleGenAIOptions,
    clientOptions?: Record<string, unknown>,
  ): GoogleGenAI;
  /** A fresh collection of metrics, the spans and the log lines so far, then clears them. */
  drain(): Promise<{ spans: ReadableSpan[]; metrics: Metrics; logLines: LogLine[] }>;
  close(): Promise<void>;
}

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
    child: () => logger,
  };
  return logger;
}

export const API_KEY = 'AIzaSy-test-gemini-key-0123456789';

export async function harness(options: LLMeterOptions = {}): Promise<Harness> {
  const mock = await startMockLLM();
  const baseUrl = new URL(mock.url).origin;
  const logLines: LogLine[] = [];
  const t = setupInMemory({ logger: memoryLogger(logLines), ...options });
  const raw = (clientOptions: Record<string, unknown> = {}) =>
    new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl }, ...clientOptions });
  return {
    mock,
    baseUrl,
    t,
    logLines,
    raw,
    client: (options, clientOptions) => instrumentGoogleGenAI(raw(clientOptions), options),
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

  count(name: string): number {
    return this.points(name).reduce((sum, p) => sum + (p.value?.count ?? 0), 0);
  }

  tokens(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const p of this.points('gen_ai.client.token.usage')) {
      const type = String(p.attributes['gen_ai.token.type']);
      out[type] = (out[type] ?? 0) + p.value.sum;
    }
    return out;
  }

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

export const FLASH = 'gemini-2.5-flash';
