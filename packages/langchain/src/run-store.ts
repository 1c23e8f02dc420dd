import { reportInternalError } from '@llmeter/core/internal';
import type { Context } from '@opentelemetry/api';

export type RunKind = 'llm' | 'chain' | 'agent' | 'tool' | 'retriever' | 'passthrough';

/** What every tracked run holds; each surface adds its own handles. */
export interface Run {
  readonly id: string;
  readonly kind: RunKind;
  readonly parentId: string | undefined;
  /** The context children parent their spans on (this run's span, or its parent's when it has none). */
  readonly context: Context;
  /** performance.now() at start. */
  readonly startedAt: number;
  /** The run ended (LangChain's `handle*End`); `output` is whatever LangChain passed. */
  end(output: unknown): void;
  /** The run failed (LangChain's `handle*Error`). */
  fail(error: unknown): void;
  /** Ends the run's telemetry, marked as evicted, when it never ended by itself. */
  evict(): void;
}

/**
 * Every run any handler in this module instance tracks, by run id. Run ids are
 * UUIDs, unique across handlers: the index lets a child find its parent's
 * context whichever handler owns the parent, and lets a second handler on the
 * same run stand back instead of counting it twice.
 */
const INDEX = new Map<string, Run>();

/** Runs tracked across all handlers (for tests and health checks). */
export function trackedRunCount(): number {
  return INDEX.size;
}

export function runById(id: string | undefined): Run | undefined {
  return id === undefined ? undefined : INDEX.get(id);
}

/**
 * One handler's runs, oldest first. Bounded in size and in age: a run that
 * never ends (a crashed stream, a handler attached mid-run, a LangChain bug)
 * is evicted on a later start, its span ended and marked, so memory and open
 * spans cannot grow without bound. No timer: nothing keeps the process alive.
 */
export class RunStore {
  private readonly runs = new Map<string, Run>();

  constructor(
    private readonly maxRuns: number,
    private readonly ttlMs: number,
  ) {}

  get size(): number {
    return this.runs.size;
  }

  /** True when some handler already tracks this run id. */
  isTracked(id: string): boolean {
    return INDEX.has(id);
  }

  add(run: Run): void {
    this.evictStale(run.startedAt, 1);
    INDEX.set(run.id, run);
    this.runs.set(run.id, run);
  }

  /** Removes and returns this handler's run; undefined when it is not ours. */
  take(id: unknown): Run | undefined {
    if (typeof id !== 'string') return undefined;
    const run = this.runs.get(id);
    if (run === undefined) return undefined;
    this.runs.delete(id);
    if (INDEX.get(id) === run) INDEX.delete(id);
    return run;
  }

  /** This handler's run, left in place. */
  peek(id: unknown): Run | undefined {
    return typeof id === 'string' ? this.runs.get(id) : undefined;
  }

  /**
   * Evicts runs older than the TTL, and the oldest while the store is full
   * (`room` more runs are about to be added). Runs are kept in start order, so
   * the scan stops at the first run young enough.
   */
  evictStale(now: number = performance.now(), room = 0): void {
    for (const run of this.runs.values()) {
      if (this.runs.size + room <= this.maxRuns && now - run.startedAt < this.ttlMs) break;
      this.take(run.id);
      try {
        run.evict();
      } catch (error) {
        reportInternalError('langchain.evict', error);
      }
    }
  }

  /** Ends every run still open, as evicted (handler shutdown). */
  evictAll(): void {
    for (const run of [...this.runs.values()]) {
      this.take(run.id);
      try {
        run.evict();
      } catch (error) {
        reportInternalError('langchain.evict', error);
      }
    }
  }
}
