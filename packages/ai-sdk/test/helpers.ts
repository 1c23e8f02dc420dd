import { createOpenAI } from '@ai-sdk/openai';
import type { LLMeterOptions } from '@llmeter/core';
import { type MockLLM, startMockLLM } from '@llmeter/testing';
import { type InMemoryLLMeter, type ReadableSpan, setupInMemory } from '@llmeter/testing/in-memory';
import { jsonSchema, type Tool, tool } from 'ai';

export type LogLine = Record<string, unknown>;

/** A pino-shaped logger that keeps the lines, for asserting the log line. */
function memoryLogger(lines: LogLine[]) {
  const write = (obj: LogLine) => {
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

  /** Every instrument name of the collection. */
  names(): string[] {
    return this.collectedNames;
  }

  private get collectedNames(): string[] {
    return this.collected.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.descriptor.name));
  }
}

export interface Harness {
  mock: MockLLM;
  t: InMemoryLLMeter;
  logLines: LogLine[];
  /** `@ai-sdk/openai` pointed at the mock server, with no retries unless asked. */
  openai: ReturnType<typeof createOpenAI>;
  drain(): Promise<{ spans: ReadableSpan[]; metrics: Metrics; logLines: LogLine[] }>;
  close(): Promise<void>;
}

export async function harness(options: LLMeterOptions = {}): Promise<Harness> {
  const mock = await startMockLLM();
  const logLines: LogLine[] = [];
  const t = setupInMemory({ logger: memoryLogger(logLines), ...options });
  const openai = createOpenAI({ apiKey: 'sk-test', baseURL: mock.url });
  return {
    mock,
    t,
    logLines,
    openai,
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

/** A weather tool the mock calls when the prompt names it. */
export function weatherTool(
  execute?: (input: { city: string }) => Promise<unknown>,
): Tool<{ city: string }, unknown> {
  return tool({
    description: 'The weather in a city',
    inputSchema: jsonSchema<{ city: string }>({
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
    }),
    execute: execute ?? (async ({ city }) => ({ city, forecast: 'sunny' })),
  });
}

export function byName(spans: ReadableSpan[], prefix: string): ReadableSpan[] {
  return spans.filter((s) => s.name.startsWith(prefix));
}

/** The spans' end can lag the consumer by a microtask or two: wait until `n` have ended. */
export async function waitForSpans(t: InMemoryLLMeter, n: number, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (t.spans().length < n) {
    if (Date.now() > until) throw new Error(`only ${t.spans().length} of ${n} spans ended`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function parentId(span: ReadableSpan): string | undefined {
  return (span as any).parentSpanContext?.spanId ?? (span as any).parentSpanId;
}
