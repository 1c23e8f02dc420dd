// The load generator's loop, in a worker thread of its own: its event loop
// never competes with the test's (OTLP receivers decoding every export, the
// fault switch), so the latencies it measures are the service's. Open loop:
// requests start on a fixed schedule whatever the latency (a closed loop would
// slow down with the service and hide a regression). Loopback only; bounded in
// count and time by durationMs and the parent's 'stop'.
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { baseUrl, steps, rate, durationMs } = workerData;
const url = new URL(baseUrl);
// A connection per request: with keep-alive, the server closing an idle socket
// (its keepAliveTimeout) as the client reuses it reads as ECONNRESET, an error
// of the harness, not of the service under test.
const agent = new Agent({ keepAlive: false, maxSockets: 1024 });
const result = {
  sent: 0,
  ok: 0,
  failed: 0,
  failures: [],
  latenciesMs: [],
  startedAtMs: [],
  completed: [],
};
const inFlight = new Set();
const started = performance.now();
let stopped = false;
parentPort.on('message', (message) => {
  if (message === 'stop') stopped = true;
});

function fail(text) {
  result.failed++;
  if (result.failures.length < 20) result.failures.push(text);
}

function one(step) {
  const traceId = randomBytes(16).toString('hex');
  const body = JSON.stringify(step.body);
  const t0 = performance.now();
  const startedAt = Date.now();
  return new Promise((resolve) => {
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
          result.startedAtMs.push(startedAt);
          if (res.statusCode < 300) {
            result.ok++;
            result.completed.push({ traceId, at: Date.now() });
          } else {
            fail(`${step.path}: HTTP ${res.statusCode}`);
          }
          resolve();
        });
        res.on('error', (error) => {
          fail(`${step.path}: ${error.message}`);
          resolve();
        });
      },
    );
    req.on('error', (error) => {
      fail(`${step.path}: ${error.message}`);
      resolve();
    });
    req.end(body);
  });
}

// Ticks every 10 ms and sends what the schedule owes, so timer jitter does not lower the rate.
const timer = setInterval(() => {
  const elapsed = performance.now() - started;
  if (stopped || elapsed >= durationMs) {
    clearInterval(timer);
    Promise.all(inFlight).then(() => {
      agent.destroy();
      parentPort.postMessage(result);
    });
    return;
  }
  const due = Math.floor((elapsed / 1000) * rate);
  while (result.sent < due) {
    const p = one(steps[result.sent % steps.length]);
    result.sent++;
    inFlight.add(p);
    p.then(() => inFlight.delete(p));
  }
}, 10);
