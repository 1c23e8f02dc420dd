import { existsSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrometheusHandle } from './prometheus';
import { findPrometheus, promtool, startPrometheus } from './prometheus';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const COUNTER_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const TOKEN = 's3cret-token';

// Classic Prometheus text format (0.0.4).
const PROMETHEUS_TEXT = `# HELP llmeter_test_requests_total Requests handled.
# TYPE llmeter_test_requests_total counter
llmeter_test_requests_total{route="/chat"} 42
llmeter_test_requests_total{route="/embed"} 7
# HELP llmeter_test_latency_seconds Request latency.
# TYPE llmeter_test_latency_seconds histogram
llmeter_test_latency_seconds_bucket{le="0.1"} 1
llmeter_test_latency_seconds_bucket{le="0.5"} 3
llmeter_test_latency_seconds_bucket{le="1"} 4
llmeter_test_latency_seconds_bucket{le="+Inf"} 5
llmeter_test_latency_seconds_sum 3.2
llmeter_test_latency_seconds_count 5
`;

// The same data as OpenMetrics 1.0.0, with exemplars (no timestamp: Prometheus then uses the
// scrape's timestamp, so the exemplar always falls inside "the last few minutes").
const OPENMETRICS_TEXT = `# HELP llmeter_test_requests Requests handled.
# TYPE llmeter_test_requests counter
llmeter_test_requests_total{route="/chat"} 42 # {trace_id="${COUNTER_TRACE_ID}"} 1.0
llmeter_test_requests_total{route="/embed"} 7
# HELP llmeter_test_latency_seconds Request latency.
# TYPE llmeter_test_latency_seconds histogram
llmeter_test_latency_seconds_bucket{le="0.1"} 1
llmeter_test_latency_seconds_bucket{le="0.5"} 3 # {trace_id="${TRACE_ID}",span_id="${SPAN_ID}"} 0.3
llmeter_test_latency_seconds_bucket{le="1"} 4
llmeter_test_latency_seconds_bucket{le="+Inf"} 5
llmeter_test_latency_seconds_sum 3.2
llmeter_test_latency_seconds_count 5
# EOF
`;

const prometheusBin = findPrometheus();
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';
const MISSING =
  'no prometheus binary found (looked at $PROMETHEUS_BIN and PATH); install it with ' +
  '`sudo .ci/install-system-deps.sh` (Debian package `prometheus`) or set PROMETHEUS_BIN';

if (!prometheusBin) {
  if (inCi) {
    it('prometheus is installed (required in CI)', () => {
      throw new Error(`${MISSING}. CI must run .ci/install-system-deps.sh first.`);
    });
  } else {
    console.warn(`[prometheus.test] SKIPPED: ${MISSING}`);
  }
}

describe.skipIf(!prometheusBin)('Prometheus harness (real prometheus server)', () => {
  let app: Server;
  let appUrl: string;
  let prom: PrometheusHandle;
  const accepts: string[] = [];
  const authorizations: string[] = [];

  beforeAll(async () => {
    app = createServer((req: IncomingMessage, res: ServerResponse) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      authorizations.push(req.headers.authorization ?? '');
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        res.writeHead(401).end('unauthorized');
        return;
      }
      const accept = req.headers.accept ?? '';
      accepts.push(accept);
      if (accept.includes('application/openmetrics-text')) {
        res.writeHead(200, {
          'content-type': 'application/openmetrics-text; version=1.0.0; charset=utf-8',
        });
        res.end(OPENMETRICS_TEXT);
      } else {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        res.end(PROMETHEUS_TEXT);
      }
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;

    prom = await startPrometheus({
      targets: [
        {
          job: 'llmeter-app',
          url: `${appUrl}/metrics`,
          scrapeIntervalSeconds: 1,
          labels: { env: 'test' },
          bearerToken: TOKEN,
        },
      ],
      enableExemplars: true,
    });
    console.log(`[prometheus.test] prometheus ${prom.version} at ${prom.url}`);
  });

  afterAll(async () => {
    await prom?.close();
    await new Promise<void>((resolve) => (app ? app.close(() => resolve()) : resolve()));
  });

  it('scrapes the target on a free port (not 9090) and reports it up', async () => {
    expect(prom.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(prom.url).not.toMatch(/:9090$/);
    const targets = await prom.waitForTargetsUp(20_000);
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({
      health: 'up',
      scrapeUrl: `${appUrl}/metrics`,
      labels: { job: 'llmeter-app', env: 'test' },
    });
    await prom.waitForScrapes(2, 20_000);
    expect(authorizations.every((a) => a === `Bearer ${TOKEN}`)).toBe(true);
    // Prometheus asks for OpenMetrics first (2.42 by default; newer via scrape_protocols).
    expect(accepts[0]).toMatch(/^application\/openmetrics-text/);
  });

  it('answers PromQL over the scraped counter and histogram', async () => {
    await prom.waitForScrapes(1, 20_000);
    const chat = await prom.query('llmeter_test_requests_total{route="/chat"}');
    expect(chat).toHaveLength(1);
    expect(chat[0]!.value).toBe(42);
    expect(chat[0]!.metric).toMatchObject({
      __name__: 'llmeter_test_requests_total',
      job: 'llmeter-app',
      env: 'test',
      route: '/chat',
      instance: new URL(appUrl).host,
    });

    const total = await prom.query('sum(llmeter_test_requests_total)');
    expect(total.map((s) => s.value)).toEqual([49]);

    const scalar = await prom.query('scalar(sum(llmeter_test_requests_total)) * 2');
    expect(scalar).toEqual([{ metric: {}, value: 98, timestamp: expect.any(Number) }]);

    const count = await prom.query('llmeter_test_latency_seconds_count');
    expect(count[0]!.value).toBe(5);
    // rank 2.5 falls in (0.1, 0.5] holding observations 2..3: 0.1 + 0.4 * (2.5 - 1) / 2 = 0.4
    const p50 = await prom.query(
      'histogram_quantile(0.5, sum by (le) (llmeter_test_latency_seconds_bucket))',
    );
    expect(p50[0]!.value).toBeCloseTo(0.4, 10);

    const now = Date.now() / 1000;
    const range = await prom.queryRange('sum(llmeter_test_requests_total)', now - 30, now, 1);
    expect(range).toHaveLength(1);
    expect(range[0]!.values.length).toBeGreaterThan(0);
    expect(range[0]!.values.every((v) => v.value === 49)).toBe(true);
  });

  it('stores exemplars from the OpenMetrics exposition', async () => {
    const start = new Date(Date.now() - 5 * 60_000);
    const end = new Date(Date.now() + 60_000);
    const buckets = await prom.exemplars('llmeter_test_latency_seconds_bucket', start, end);
    const bucket = buckets.find((s) => s.seriesLabels.le === '0.5');
    expect(bucket, JSON.stringify(buckets)).toBeDefined();
    expect(bucket!.exemplars[0]).toMatchObject({
      labels: { trace_id: TRACE_ID, span_id: SPAN_ID },
      value: 0.3,
    });

    const counters = await prom.exemplars('llmeter_test_requests_total', start, end);
    expect(counters.flatMap((s) => s.exemplars.map((e) => e.labels.trace_id))).toContain(
      COUNTER_TRACE_ID,
    );
  });

  it('runs promtool against the generated config and the exposition', async () => {
    const config = await promtool(['check', 'config', prom.configFile]);
    expect(config.code, config.stdout + config.stderr).toBe(0);
    const metrics = await promtool(['check', 'metrics'], { input: PROMETHEUS_TEXT });
    expect(metrics.code, metrics.stdout + metrics.stderr).toBe(0);
  });

  it('close() stops the process group and removes the temp dir', async () => {
    const second = await startPrometheus({
      targets: [{ job: 'second', url: `${appUrl}/metrics`, bearerToken: TOKEN }],
    });
    const dir = second.dir;
    expect(existsSync(dir)).toBe(true);
    expect((await second.query('vector(1)'))[0]!.value).toBe(1);
    await second.close();
    await second.close(); // idempotent
    expect(existsSync(dir)).toBe(false);
    await expect(fetch(`${second.url}/-/ready`)).rejects.toThrow();
  });

  it('fails fast with the prometheus output when the config is rejected', async () => {
    await expect(
      startPrometheus({
        targets: [{ job: 'bad', url: `${appUrl}/metrics` }],
        extraFlags: ['--no-such-flag'],
      }),
    ).rejects.toThrow(/exited during startup[\s\S]*no-such-flag/);
  });
});
