/**
 * The leak hunt: no credential leaves the process, on any path, in any
 * signal. leak-app.mjs (on the built packages, in its own process) runs every
 * failure scenario of every adapter listed in scenarios.mjs with credentials
 * planted in the error's message, properties (`code` included) and stack:
 * an OpenAI project key, `Authorization: Bearer …` and lower-case
 * `authorization: bearer …`, `https://user:password@host`, an `x-api-key`
 * header, a Google key, an AWS key id, a JWT, a `?key=` parameter. Every
 * byte llmeter then writes or exports is searched, with content capture off
 * and on: stdout, stderr, OTLP traces (gRPC) and metrics (HTTP) as the
 * receivers decoded them off the wire, and /metrics in both formats. The
 * caller still gets its own error, unchanged.
 */
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  type OtlpGrpcReceiver,
  type OtlpHttpReceiver,
  startOtlpGrpcReceiver,
  startOtlpHttpReceiver,
} from '@llmeter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from './scenarios.mjs';

const run = promisify(execFile);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const NODE = here('../../node_modules/.bin/node');

/** Letters only, none of them hex: a fragment cannot turn up by chance in a trace or span id. */
const ALPHABET = 'ghjkmnpqrstuvwxyzGHJKMNPQRSTUVWXYZ';
const random = (n: number) =>
  Array.from({ length: n }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
const upper = (n: number) =>
  random(n * 2)
    .replace(/[^A-Z]/g, '')
    .padEnd(n, 'Q')
    .slice(0, n);

function plantedSecrets() {
  return {
    key: `sk-proj-${random(40)}`,
    bearer: random(32),
    bearerLower: random(32),
    password: random(24),
    apiKeyHeader: random(28),
    google: `AIza${random(35)}`,
    aws: `AKIA${upper(16)}`,
    jwt: `eyJ${random(20)}.eyJ${random(24)}.${random(30)}`,
    queryKey: random(26),
  };
}
type Secrets = ReturnType<typeof plantedSecrets>;

/** Every 10-character window of each secret's random part: a truncated head is a leak too. */
function fragments(secrets: Secrets): string[] {
  const out: string[] = [];
  for (const value of Object.values(secrets)) {
    const core = value.replace(/^(sk-proj-|AIza|AKIA|eyJ)/, '');
    for (let i = 0; i + 10 <= core.length; i += 3) out.push(core.slice(i, i + 10));
  }
  return out;
}

let traces: OtlpGrpcReceiver;
let metrics: OtlpHttpReceiver;
beforeAll(async () => {
  traces = await startOtlpGrpcReceiver();
  metrics = await startOtlpHttpReceiver();
});
afterAll(async () => {
  await traces.close();
  await metrics.close();
});

interface Outcome {
  adapter: string;
  name: string;
  sawError: boolean;
  same?: boolean;
  unchanged?: boolean;
  rawMessage: string;
}

async function hunt(capture: boolean) {
  traces.reset();
  metrics.reset();
  const secrets = plantedSecrets();
  const dir = mkdtempSync(join(tmpdir(), 'llmeter-leaks-'));
  const reportFile = join(dir, 'report.json');
  try {
    const { stdout, stderr } = await run(NODE, [here('./leak-app.mjs')], {
      env: {
        PATH: process.env.PATH,
        SECRETS: JSON.stringify(secrets),
        CAPTURE: String(capture),
        REPORT_FILE: reportFile,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: traces.url,
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: metrics.metricsUrl,
      },
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
      outcomes: Outcome[];
      prometheusText: string;
      openMetrics: string;
    };
    const exported = JSON.stringify([traces.requests(), metrics.requests()]);
    return {
      secrets,
      report,
      stdout,
      stderr,
      spans: traces.spans(),
      everything: [stdout, stderr, report.prometheusText, report.openMetrics, exported].join('\n'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.each([false, true])('content capture %s: no credential leaves the process', (capture) => {
  let h: Awaited<ReturnType<typeof hunt>>;
  beforeAll(async () => {
    h = await hunt(capture);
  }, 90_000);

  it('ran every scenario of every adapter, and each caller got its own error unchanged', () => {
    const adapters = new Set(h.report.outcomes.map((o) => o.adapter));
    // every row of the table ran (a module that fails to load would drop its row)
    expect([...adapters]).toEqual(ADAPTERS.map((a: { adapter: string }) => a.adapter));
    expect(adapters.size).toBeGreaterThanOrEqual(8);
    const wrong = h.report.outcomes.filter(
      (o) => !o.sawError || o.same === false || o.unchanged === false,
    );
    expect(wrong).toEqual([]);
    // the application's own errors still hold the planted key: llmeter scrubs copies only
    const planted = h.report.outcomes.filter((o) => o.same === true);
    expect(planted.length).toBeGreaterThan(10);
    for (const o of planted) expect(o.rawMessage).toContain(h.secrets.key);
  });

  it('exports the failures, scrubbed', () => {
    expect(h.spans.filter((s) => s.status.code === 2).length).toBeGreaterThan(15);
    expect(h.everything).toContain('[REDACTED]');
    expect(h.everything).toContain('llm_call_completed');
    expect(h.stderr).toContain('llmeter caught an internal error');
  });

  it('no planted credential, nor any 10-character piece of one, in any byte written or exported', () => {
    const found = fragments(h.secrets).filter((f) => h.everything.includes(f));
    const where = found.slice(0, 3).map((f) => {
      const i = h.everything.indexOf(f);
      return h.everything.slice(Math.max(0, i - 160), i + 40);
    });
    expect(where).toEqual([]);
  });

  it('error.type is a type, never a key, on spans and metric labels', () => {
    const types = new Set(
      h.spans.map((s) => s.attributes['error.type']).filter((t) => t !== undefined),
    );
    // a class or snake_case type, or a numeric code (an HTTP status, a JSON-RPC code)
    for (const t of types) expect(String(t)).toMatch(/^[A-Za-z_$][A-Za-z0-9_$.]*$|^-?\d{1,6}$/);
    expect(h.report.prometheusText).not.toContain('sk-');
  });
});
