/**
 * Test harness that runs a real Prometheus server (Debian's `prometheus` package, or any binary
 * named by `PROMETHEUS_BIN`) so end-to-end tests can have it scrape an app's `/metrics` endpoint
 * and then assert with PromQL.
 *
 *   const prom = await startPrometheus({ targets: [{ job: 'app', url: `${appUrl}/metrics` }] });
 *   try {
 *     await prom.waitForTargetsUp();
 *     await prom.waitForScrapes(2);
 *     expect(await prom.query('sum(llm_requests_total)')).toMatchObject([{ value: 3 }]);
 *   } finally {
 *     await prom.close();
 *   }
 *
 * Process hygiene: Prometheus is started under a tiny Node watchdog in its own process group. The
 * watchdog stops Prometheus when its stdin pipe closes, i.e. when the test process dies for any
 * reason (even SIGKILL); `close()` and a `process.on('exit')` hook stop it on the normal paths.
 * The server only ever listens on 127.0.0.1 on a free random port (never 9090).
 *
 * Only Node built-ins are used.
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';

export interface PrometheusTarget {
  /**
   * Value of the `job` label (and the scrape config's `job_name`). Targets may share a job if they
   * agree on interval/honorLabels/bearerToken; two targets of one job on the same host:port need
   * distinguishing `labels`, or Prometheus keeps only one of them (same label set).
   */
  job: string;
  /** Full scrape URL, e.g. `http://127.0.0.1:PORT/metrics` (query parameters become `params`). */
  url: string;
  /** Scrape interval in seconds (default 1). Fractions are allowed (rounded to ms). */
  scrapeIntervalSeconds?: number;
  /** Extra target labels, attached to every scraped series. */
  labels?: Record<string, string>;
  /** `honor_labels` for the job (default false). */
  honorLabels?: boolean;
  /** Sent as `Authorization: Bearer <token>` on every scrape. */
  bearerToken?: string;
}

export interface StartPrometheusOptions {
  targets: PrometheusTarget[];
  /** Rule files (recording/alerting), resolved to absolute paths. */
  ruleFiles?: string[];
  /** Extra command-line flags appended verbatim. */
  extraFlags?: string[];
  /**
   * Enable the exemplar store (`--enable-feature=exemplar-storage`) and make sure scrapes ask for
   * OpenMetrics (the only text format that carries exemplars).
   */
  enableExemplars?: boolean;
  /** Rule evaluation interval in seconds (default 1). */
  evaluationIntervalSeconds?: number;
  /** Binary to run (default: `findPrometheus()`). */
  bin?: string;
  /** How long to wait for `/-/ready` (default 30 s). */
  startTimeoutMs?: number;
}

/** A Prometheus timestamp: a `Date`, or Unix time in **seconds** (as in the HTTP API). */
export type PromTime = Date | number;

export interface PromSample {
  metric: Record<string, string>;
  value: number;
  /** Evaluation timestamp, Unix seconds. */
  timestamp: number;
}

export interface PromRangeSeries {
  metric: Record<string, string>;
  values: Array<{ timestamp: number; value: number }>;
}

/** One entry of `data.activeTargets` from `/api/v1/targets`. */
export interface PromTarget {
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  globalUrl: string;
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
  health: 'up' | 'down' | 'unknown';
  scrapeInterval?: string;
  scrapeTimeout?: string;
}

export interface PromExemplar {
  labels: Record<string, string>;
  value: number;
  /** Unix seconds. */
  timestamp: number;
}

export interface PromExemplarSeries {
  seriesLabels: Record<string, string>;
  exemplars: PromExemplar[];
}

export interface PrometheusHandle {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  /** Version reported by `prometheus --version`, e.g. `2.42.0`. */
  readonly version: string;
  /** Path of the generated configuration file (YAML; written as JSON, which YAML accepts). */
  readonly configFile: string;
  /** Temp dir holding the config and the TSDB; removed by `close()`. */
  readonly dir: string;
  /** The command line Prometheus was started with (binary first). */
  readonly argv: readonly string[];
  /** Captured stdout+stderr of Prometheus (the last 64 KiB). */
  logs(): string;
  /** Instant query. Vector results map 1:1; a scalar result becomes one sample with no labels. */
  query(promql: string, time?: PromTime): Promise<PromSample[]>;
  queryRange(
    promql: string,
    start: PromTime,
    end: PromTime,
    stepSeconds?: number,
  ): Promise<PromRangeSeries[]>;
  /** Polls `query()` until `predicate` holds (default: a non-empty result); returns that result. */
  waitForQuery(
    promql: string,
    predicate?: (result: PromSample[]) => boolean,
    timeoutMs?: number,
  ): Promise<PromSample[]>;
  /** Active targets from `/api/v1/targets`. */
  targets(): Promise<PromTarget[]>;
  /** Waits until every configured target is active and healthy; returns the targets. */
  waitForTargetsUp(timeoutMs?: number): Promise<PromTarget[]>;
  /**
   * Waits until every active target has been scraped at least `n` more times than when called
   * (a failed scrape counts too: it is the number of `up` samples, whatever their value).
   */
  waitForScrapes(n?: number, timeoutMs?: number): Promise<void>;
  /** `/api/v1/query_exemplars`. Needs `enableExemplars: true`. */
  exemplars(promql: string, start: PromTime, end: PromTime): Promise<PromExemplarSeries[]>;
  /** `POST /-/reload` (the server runs with `--web.enable-lifecycle`). */
  reload(): Promise<void>;
  /** Stops Prometheus (SIGTERM, SIGKILL after 10 s) and removes the temp dir. Idempotent. */
  close(): Promise<void>;
}

export interface PromtoolResult {
  code: number;
  stdout: string;
  stderr: string;
}

const LOG_LIMIT = 64 * 1024;
const STOP_GRACE_MS = 10_000;
const REQUEST_TIMEOUT_MS = 10_000;

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const dir of [...dirs, '/usr/bin', '/usr/local/bin', '/usr/sbin', '/bin']) {
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function fromEnv(variable: string): string | undefined {
  const value = process.env[variable];
  if (value === undefined || value === '') return undefined;
  if (!isExecutableFile(value)) {
    throw new Error(`${variable}=${value} is not an executable file`);
  }
  return value;
}

/**
 * Path of the Prometheus server binary: `$PROMETHEUS_BIN` when set (throws if that is not an
 * executable file), else `prometheus` on `PATH`; `undefined` when there is none.
 */
export function findPrometheus(): string | undefined {
  return fromEnv('PROMETHEUS_BIN') ?? findOnPath('prometheus');
}

/**
 * Path of `promtool`: `$PROMTOOL_BIN` when set, else the one next to the Prometheus binary, else
 * `promtool` on `PATH`.
 */
export function findPromtool(): string | undefined {
  const explicit = fromEnv('PROMTOOL_BIN');
  if (explicit) return explicit;
  const server = findPrometheus();
  if (server) {
    const sibling = join(dirname(server), 'promtool');
    if (isExecutableFile(sibling)) return sibling;
  }
  return findOnPath('promtool');
}

/** Runs `promtool` with `args` (and optional stdin), resolving with its exit code and output. */
export function promtool(
  args: string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<PromtoolResult> {
  const bin = findPromtool();
  if (!bin) {
    return Promise.reject(
      new Error('promtool not found (install Debian `prometheus` or set PROMTOOL_BIN)'),
    );
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

const versionCache = new Map<string, string>();

function prometheusVersion(bin: string): string {
  const cached = versionCache.get(bin);
  if (cached) return cached;
  const out = execFileSync(bin, ['--version'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 15_000,
  });
  const match = /version\s+v?(\d+\.\d+\.\d+)/.exec(out);
  if (!match) throw new Error(`cannot parse the output of \`${bin} --version\`: ${out}`);
  versionCache.set(bin, match[1]!);
  return match[1]!;
}

function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [maj = 0, min = 0] = version.split('.').map(Number);
  return maj > major || (maj === major && min >= minor);
}

function duration(seconds: number, what: string): string {
  const ms = Math.round(seconds * 1000);
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`${what} must be > 0 (got ${seconds})`);
  return `${ms}ms`;
}

/** Builds the Prometheus configuration as a plain object (serialised as JSON, valid YAML). */
function buildConfig(options: StartPrometheusOptions, version: string): Record<string, unknown> {
  if (options.targets.length === 0) throw new Error('startPrometheus: no targets given');
  interface Job {
    settings: Record<string, unknown>;
    staticConfigs: Array<{ targets: string[]; labels: Record<string, string> }>;
  }
  const jobs = new Map<string, Job>();
  let minInterval = Number.POSITIVE_INFINITY;
  for (const target of options.targets) {
    const url = new URL(target.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`target ${target.url}: only http(s) URLs are supported`);
    }
    if (url.username || url.password) {
      throw new Error(`target ${target.url}: credentials in the URL are not supported`);
    }
    const interval = target.scrapeIntervalSeconds ?? 1;
    minInterval = Math.min(minInterval, interval);
    const settings: Record<string, unknown> = {
      scrape_interval: duration(interval, 'scrapeIntervalSeconds'),
      // Must not exceed the interval; Prometheus' default timeout is 10 s.
      scrape_timeout: duration(Math.min(interval, 10), 'scrape timeout'),
      honor_labels: target.honorLabels ?? false,
    };
    if (target.bearerToken !== undefined) {
      settings.authorization = { type: 'Bearer', credentials: target.bearerToken };
    }
    if (options.enableExemplars && versionAtLeast(version, 2, 49)) {
      // `scrape_protocols` exists from 2.49 on. Older servers (Debian 12 ships 2.42) have no such
      // field and always send `Accept: application/openmetrics-text;version=1.0.0,...` first.
      settings.scrape_protocols = [
        'OpenMetricsText1.0.0',
        'OpenMetricsText0.0.1',
        'PrometheusText0.0.4',
      ];
    }
    // Per-target scheme/path/params go in as the special labels, so targets sharing a job only
    // need to agree on the job-level settings.
    const labels: Record<string, string> = {
      ...target.labels,
      __scheme__: url.protocol.slice(0, -1),
      __metrics_path__: url.pathname || '/',
    };
    for (const key of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(key);
      if (values.length > 1) {
        throw new Error(`target ${target.url}: repeated query parameter ${key} is not supported`);
      }
      labels[`__param_${key}`] = values[0]!;
    }
    const existing = jobs.get(target.job);
    if (existing) {
      if (JSON.stringify(existing.settings) !== JSON.stringify(settings)) {
        throw new Error(
          `targets of job "${target.job}" must share scrapeIntervalSeconds, honorLabels and bearerToken`,
        );
      }
      existing.staticConfigs.push({ targets: [url.host], labels });
    } else {
      jobs.set(target.job, { settings, staticConfigs: [{ targets: [url.host], labels }] });
    }
  }
  const config: Record<string, unknown> = {
    global: {
      scrape_interval: duration(minInterval, 'scrapeIntervalSeconds'),
      scrape_timeout: duration(Math.min(minInterval, 10), 'scrape timeout'),
      evaluation_interval: duration(
        options.evaluationIntervalSeconds ?? 1,
        'evaluationIntervalSeconds',
      ),
    },
    scrape_configs: [...jobs].map(([name, job]) => ({
      job_name: name,
      ...job.settings,
      static_configs: job.staticConfigs,
    })),
  };
  if (options.ruleFiles?.length) config.rule_files = options.ruleFiles.map((f) => resolve(f));
  return config;
}

/**
 * The watchdog: runs Prometheus (argv after `--`), forwards SIGTERM/SIGINT, stops it when our stdin
 * closes (the test process died; then it also removes $LLMETER_PROMETHEUS_DIR), and exits with
 * Prometheus' status once Prometheus has exited.
 */
const WATCHDOG = `
const { spawn } = require('node:child_process');
const { rmSync } = require('node:fs');
const [bin, ...args] = process.argv.slice(1);
const child = spawn(bin, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let stopping = false;
let orphaned = false;
const orphan = () => {
  orphaned = true;
  stop();
};
const stop = () => {
  if (stopping) return;
  stopping = true;
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  setTimeout(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); }, ${STOP_GRACE_MS - 2000}).unref();
};
process.stdin.on('end', orphan);
process.stdin.on('close', orphan);
process.stdin.on('error', orphan);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('SIGHUP', orphan);
child.on('error', (error) => { process.stderr.write('watchdog: ' + error.message + '\\n'); process.exit(127); });
child.on('exit', (code, signal) => {
  const dir = process.env.LLMETER_PROMETHEUS_DIR;
  if (orphaned && dir) { try { rmSync(dir, { recursive: true, force: true, maxRetries: 3 }); } catch {} }
  process.exit(code ?? (signal === 'SIGTERM' ? 0 : 128));
});
`;

interface Running {
  child: ChildProcess;
  pgid: number;
  dir: string;
}

/** Everything still running, for the synchronous process 'exit' hook. */
const live = new Set<Running>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const running of live) {
      killGroup(running.pgid, 'SIGKILL');
      rmSync(running.dir, { recursive: true, force: true, maxRetries: 2 });
    }
    live.clear();
  });
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolvePromise(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

function toPromTime(time: PromTime): string {
  if (time instanceof Date) return (time.getTime() / 1000).toString();
  if (time > 1e11) {
    throw new Error(`timestamp ${time} looks like milliseconds; pass Unix seconds or a Date`);
  }
  return time.toString();
}

function parseValue(value: string): number {
  if (value === '+Inf' || value === 'Inf') return Number.POSITIVE_INFINITY;
  if (value === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(value); // "NaN" -> NaN
}

function labelSelector(labels: Record<string, string>): string {
  const quote = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${quote(v)}"`)
    .join(',')}}`;
}

function labelKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function tail(text: string, max = 4000): string {
  return text.length > max ? `...${text.slice(-max)}` : text;
}

/** Starts Prometheus scraping `options.targets`; resolves once `/-/ready` answers 200. */
export async function startPrometheus(options: StartPrometheusOptions): Promise<PrometheusHandle> {
  const bin = options.bin ?? findPrometheus();
  if (!bin) {
    throw new Error(
      'prometheus binary not found: run .ci/install-system-deps.sh (Debian package `prometheus`) or set PROMETHEUS_BIN',
    );
  }
  const version = prometheusVersion(bin);
  const config = buildConfig(options, version);
  const dir = mkdtempSync(join(tmpdir(), 'llmeter-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  installExitHook();

  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await launch(bin, version, dir, configFile, port, options);
    } catch (error) {
      lastError = error as Error;
      // Someone grabbed the port between freePort() and bind(): try another one.
      if (!/address already in use/i.test(lastError.message)) break;
    }
  }
  rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
  throw lastError;
}

async function launch(
  bin: string,
  version: string,
  dir: string,
  configFile: string,
  port: number,
  options: StartPrometheusOptions,
): Promise<PrometheusHandle> {
  const dataDir = join(dir, `data-${port}`);
  const argv = [
    bin,
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-lifecycle',
    ...(options.enableExemplars ? ['--enable-feature=exemplar-storage'] : []),
    ...(options.extraFlags ?? []),
  ];
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, LLMETER_PROMETHEUS_DIR: dir };
  delete env.NODE_OPTIONS; // keep test-runner loaders/flags out of the watchdog

  const child = spawn(process.execPath, ['-e', WATCHDOG, '--', ...argv], {
    detached: true, // own process group: close()/exit hook can signal Prometheus and the watchdog together
    stdio: ['pipe', 'pipe', 'pipe'],
    env,
  });
  let logs = '';
  const append = (chunk: string) => {
    logs += chunk;
    if (logs.length > LOG_LIMIT) logs = logs.slice(-LOG_LIMIT);
  };
  child.stdout!.setEncoding('utf8').on('data', append);
  child.stderr!.setEncoding('utf8').on('data', append);
  child.stdin!.on('error', () => {});
  let exitInfo: string | undefined;
  const exited = new Promise<void>((r) => {
    child.once('exit', (code, signal) => {
      exitInfo = signal ? `signal ${signal}` : `code ${code}`;
      r();
    });
  });
  const spawnFailed = new Promise<Error>((r) => child.once('error', r));
  if (child.pid === undefined) throw await spawnFailed;
  const running: Running = { child, pgid: child.pid, dir };
  live.add(running);
  // Do not keep the test process alive just because of us: a forgotten close() then still ends
  // in the exit hook (and the watchdog's stdin EOF) instead of a hung test run.
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as Socket).unref?.();

  const failure = (message: string) =>
    new Error(
      `${message}\nprometheus: ${argv.join(' ')}\n--- prometheus output (tail) ---\n${tail(logs)}`,
    );

  // Stops the process group; the temp dir is left alone (startPrometheus may retry in it).
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exitInfo === undefined) {
        try {
          process.kill(child.pid!, 'SIGTERM'); // the watchdog forwards it
        } catch {
          // gone
        }
        const stopped = await Promise.race([
          exited.then(() => true),
          sleep(STOP_GRACE_MS).then(() => false),
        ]);
        if (!stopped) killGroup(running.pgid, 'SIGKILL');
      }
      // Prometheus exits before the watchdog does; this only waits after a SIGKILL.
      const deadline = Date.now() + 5000;
      while (groupAlive(running.pgid) && Date.now() < deadline) await sleep(50);
      live.delete(running);
    })();
    return stopping;
  };
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= stop().then(() =>
      rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 }),
    );
    return closing;
  };

  const ensureRunning = () => {
    if (closing) throw new Error(`prometheus at ${url} has been closed`);
    if (exitInfo !== undefined) throw failure(`prometheus exited unexpectedly (${exitInfo})`);
  };

  async function request(path: string, init?: RequestInit): Promise<Response> {
    ensureRunning();
    try {
      return await fetch(`${url}${path}`, {
        ...init,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      ensureRunning();
      throw failure(`request to ${path} failed: ${(error as Error).message}`);
    }
  }

  async function api<T>(path: string, params: Record<string, string>): Promise<T> {
    const response = await request(`${path}?${new URLSearchParams(params)}`);
    const text = await response.text();
    let body: { status?: string; data?: T; errorType?: string; error?: string };
    try {
      body = JSON.parse(text);
    } catch {
      throw failure(`${path}: HTTP ${response.status}, not JSON: ${tail(text, 500)}`);
    }
    if (body.status !== 'success') {
      throw new Error(
        `Prometheus ${path} ${JSON.stringify(params)} failed: ${body.errorType ?? `HTTP ${response.status}`}: ${body.error ?? text}`,
      );
    }
    return body.data as T;
  }

  async function poll<T>(
    what: string,
    timeoutMs: number,
    attempt: () => Promise<{ done: boolean; value: T; detail?: string }>,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let detail = '';
    for (;;) {
      const result = await attempt();
      if (result.done) return result.value;
      detail = result.detail ?? JSON.stringify(result.value);
      if (Date.now() >= deadline) break;
      await sleep(100);
    }
    throw failure(
      `timed out after ${timeoutMs} ms waiting for ${what}; last state: ${tail(detail, 2000)}`,
    );
  }

  const query = async (promql: string, time?: PromTime): Promise<PromSample[]> => {
    const params: Record<string, string> = { query: promql };
    if (time !== undefined) params.time = toPromTime(time);
    const data = await api<{ resultType: string; result: unknown }>('/api/v1/query', params);
    if (data.resultType === 'vector') {
      return (
        data.result as Array<{ metric: Record<string, string>; value: [number, string] }>
      ).map((s) => ({ metric: s.metric, value: parseValue(s.value[1]), timestamp: s.value[0] }));
    }
    if (data.resultType === 'scalar') {
      const [timestamp, value] = data.result as [number, string];
      return [{ metric: {}, value: parseValue(value), timestamp }];
    }
    throw new Error(`query(${promql}) returned a ${data.resultType}; use queryRange() for ranges`);
  };

  const targets = async (): Promise<PromTarget[]> =>
    (await api<{ activeTargets: PromTarget[] }>('/api/v1/targets', { state: 'active' }))
      .activeTargets;

  const handle: PrometheusHandle = {
    url,
    version,
    configFile,
    dir,
    argv,
    logs: () => logs,
    query,
    async queryRange(promql, start, end, stepSeconds = 1) {
      const data = await api<{
        result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;
      }>('/api/v1/query_range', {
        query: promql,
        start: toPromTime(start),
        end: toPromTime(end),
        step: stepSeconds.toString(),
      });
      return data.result.map((s) => ({
        metric: s.metric,
        values: s.values.map(([timestamp, value]) => ({ timestamp, value: parseValue(value) })),
      }));
    },
    waitForQuery(promql, predicate = (r) => r.length > 0, timeoutMs = 30_000) {
      return poll(`query ${promql}`, timeoutMs, async () => {
        const value = await query(promql);
        return { done: predicate(value), value };
      });
    },
    targets,
    waitForTargetsUp(timeoutMs = 30_000) {
      return poll('all targets up', timeoutMs, async () => {
        const value = await targets();
        const done =
          value.length >= options.targets.length && value.every((t) => t.health === 'up');
        const detail = value
          .map((t) => `${t.scrapeUrl}: ${t.health}${t.lastError ? ` (${t.lastError})` : ''}`)
          .join('; ');
        return {
          done,
          value,
          detail: `${value.length}/${options.targets.length} active: ${detail}`,
        };
      });
    },
    async waitForScrapes(n = 1, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      // Right after startup the target list is still empty: service discovery hands the scrape
      // manager its first targets only after ~5 s.
      const active = await poll('the configured targets to become active', timeoutMs, async () => {
        const value = await targets();
        return { done: value.length >= options.targets.length, value };
      });
      // One `up` sample per scrape attempt; its labels are exactly the target labels.
      const counts = async () => {
        const result = await query('count_over_time(up[1d])');
        const byKey = new Map(result.map((s) => [labelKey(s.metric), s.value]));
        return active.map((t) => byKey.get(labelKey(t.labels)) ?? 0);
      };
      const baseline = await counts();
      await poll(
        `${n} more scrape(s) of each target`,
        Math.max(0, deadline - Date.now()),
        async () => {
          const now = await counts();
          const done = now.every((c, i) => c >= baseline[i]! + n);
          const detail = active
            .map((t, i) => `up${labelSelector(t.labels)}: ${now[i]! - baseline[i]!}/${n}`)
            .join('; ');
          return { done, value: undefined, detail };
        },
      );
    },
    async exemplars(promql, start, end) {
      const data = await api<
        Array<{
          seriesLabels: Record<string, string>;
          exemplars: Array<{ labels: Record<string, string>; value: string; timestamp: number }>;
        }>
      >('/api/v1/query_exemplars', {
        query: promql,
        start: toPromTime(start),
        end: toPromTime(end),
      });
      return (data ?? []).map((s) => ({
        seriesLabels: s.seriesLabels,
        exemplars: s.exemplars.map((e) => ({
          labels: e.labels,
          value: parseValue(e.value),
          timestamp: e.timestamp,
        })),
      }));
    },
    async reload() {
      const response = await request('/-/reload', { method: 'POST' });
      if (!response.ok) {
        throw failure(`reload failed: HTTP ${response.status}: ${await response.text()}`);
      }
    },
    close,
  };

  // Wait for readiness, failing fast when the process dies (bad flag/config, port taken, ...).
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const deadline = Date.now() + startTimeoutMs;
  try {
    for (;;) {
      if (exitInfo !== undefined) {
        await sleep(50); // let the last stderr chunk arrive
        throw failure(`prometheus exited during startup (${exitInfo})`);
      }
      try {
        const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) });
        await response.arrayBuffer();
        if (response.status === 200) return handle;
      } catch {
        // not listening yet
      }
      if (Date.now() >= deadline) throw failure(`prometheus not ready after ${startTimeoutMs} ms`);
      await sleep(100);
    }
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}
