/**
 * An open-loop load generator: requests start on a fixed schedule whatever the
 * latency (a closed loop would slow down with the service and hide a
 * regression). Loopback only; bounded in count and time by its caller.
 */
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';

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
  /** Trace ids of requests whose answer had fully arrived, with the time it did. */
  completed: Array<{ traceId: string; at: number }>;
}

// A connection per request: with keep-alive, the server closing an idle socket
// (its keepAliveTimeout) as the client reuses it reads as ECONNRESET, an error
// of the harness, not of the service under test.
const agent = new Agent({ keepAlive: false, maxSockets: 1024 });

/** Sends `rate` requests per second, cycling through `steps`, until `durationMs` or `stop()`. */
export function runLoad(baseUrl: string, steps: readonly Step[], rate: number, durationMs: number) {
  const url = new URL(baseUrl);
  const result: LoadResult = {
    sent: 0,
    ok: 0,
    failed: 0,
    failures: [],
    latenciesMs: [],
    completed: [],
  };
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  let stopped = false;

  const one = (step: Step) => {
    const traceId = randomBytes(16).toString('hex');
    const body = JSON.stringify(step.body);
    const t0 = performance.now();
    return new Promise<void>((resolve) => {
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: step.path,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            // A known trace id per request: the SIGTERM check looks for its spans.
            traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
            ...step.headers,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            result.latenciesMs.push(performance.now() - t0);
            if (res.statusCode && res.statusCode < 300) {
              result.ok++;
              result.completed.push({ traceId, at: Date.now() });
            } else {
              result.failed++;
              if (result.failures.length < 20)
                result.failures.push(`${step.path}: HTTP ${res.statusCode}`);
            }
            resolve();
          });
          res.on('error', () => resolve());
        },
      );
      req.on('error', (error) => {
        result.failed++;
        if (result.failures.length < 20) result.failures.push(`${step.path}: ${error.message}`);
        resolve();
      });
      req.end(body);
    });
  };

  const done = new Promise<LoadResult>((resolve) => {
    // Ticks every 10 ms and sends what the schedule owes, so timer jitter does not lower the rate.
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      if (stopped || elapsed >= durationMs) {
        clearInterval(timer);
        Promise.all(inFlight).then(() => resolve(result));
        return;
      }
      const due = Math.floor((elapsed / 1000) * rate);
      while (result.sent < due) {
        const step = steps[result.sent % steps.length]!;
        result.sent++;
        const p = one(step);
        inFlight.add(p);
        p.then(() => inFlight.delete(p));
      }
    }, 10);
  });
  return {
    done,
    /** Stops sending; `done` resolves once the requests in flight have answered. */
    stop() {
      stopped = true;
    },
    result,
  };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function closeLoadAgent(): void {
  agent.destroy();
}
