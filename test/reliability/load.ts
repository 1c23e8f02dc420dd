/** Starts the open-loop load generator (load-worker.mjs) in a worker thread. */
import { Worker } from 'node:worker_threads';

export interface Step {
  path: string;
  body: unknown;
  headers?: Record<string, string>;
}

export interface LoadResult {
  sent: number;
  ok: number;
  /** Non-2xx answers and transport errors: the application errors the soak must not see. */
  failed: number;
  failures: string[];
  latenciesMs: number[];
  /** When (epoch ms) the request of each `latenciesMs` entry was sent, so a run can be cut into windows. */
  startedAtMs: number[];
  /** Trace ids of requests whose answer had fully arrived, with the time (epoch ms) it did. */
  completed: Array<{ traceId: string; at: number }>;
}

/** Sends `rate` requests per second, cycling through `steps`, until `durationMs` or `stop()`. */
export function runLoad(baseUrl: string, steps: readonly Step[], rate: number, durationMs: number) {
  const worker = new Worker(new URL('./load-worker.mjs', import.meta.url), {
    workerData: { baseUrl, steps, rate, durationMs },
  });
  const done = new Promise<LoadResult>((resolve, reject) => {
    worker.once('message', (result: LoadResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
  return {
    done,
    /** Stops sending; `done` resolves once the requests in flight have answered. */
    stop: () => worker.postMessage('stop'),
  };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
