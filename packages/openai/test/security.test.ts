/**
 * Secrets stay out of telemetry. An app (fixtures/canary-app.mjs, on the built
 * packages, in its own process) hands llmeter a canary secret as its API key,
 * auth headers, organization, a base URL with credentials, and inside its
 * prompts; every byte llmeter then writes (stdout, stderr) or exports (OTLP
 * traces over gRPC, OTLP metrics over HTTP, /metrics in both formats) is
 * searched for it. Content capture is off by default; on, the redaction hook
 * runs before anything is recorded.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  type MockLLM,
  type OtlpGrpcReceiver,
  type OtlpHttpReceiver,
  startMockLLM,
  startOtlpGrpcReceiver,
  startOtlpHttpReceiver,
} from '@llmeter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const NODE = here('../../../node_modules/.bin/node');

let mock: MockLLM;
let echo: MockLLM;
let traces: OtlpGrpcReceiver;
let metrics: OtlpHttpReceiver;
beforeAll(async () => {
  mock = await startMockLLM();
  echo = await startMockLLM();
  traces = await startOtlpGrpcReceiver();
  metrics = await startOtlpHttpReceiver();
});
afterAll(async () => {
  await mock.close();
  await echo.close();
  await traces.close();
  await metrics.close();
});

interface Run {
  /** Everything llmeter wrote or exported, as one string to search. */
  everything: string;
  spansText: string;
  outcomes: { name: string; ok: boolean; error?: string }[];
}

async function runApp(capture: boolean): Promise<Run & { canary: string; promptSecret: string }> {
  traces.reset();
  metrics.reset();
  const canary = `sk-canary-${randomBytes(12).toString('hex')}`;
  const promptSecret = `hunter2-${randomBytes(6).toString('hex')}`;
  echo.setBehavior({
    reply: {
      status: 401,
      body: JSON.stringify({
        error: {
          message: `Incorrect API key provided: ${canary}. Sent: Authorization: Bearer ${canary}, upstream https://gw:${canary}@llm.internal/v1`,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      }),
    },
  });
  const { stdout, stderr } = await run(NODE, [here('./fixtures/canary-app.mjs')], {
    env: {
      PATH: process.env.PATH,
      MOCK_URL: mock.url,
      ECHO_URL: echo.url,
      CANARY: canary,
      PROMPT_SECRET: promptSecret,
      CAPTURE: String(capture),
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: traces.url,
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: metrics.metricsUrl,
      LLMETER_LOG_LEVEL: 'debug', // the most llmeter ever writes about itself
    },
    timeout: 30_000,
  });
  const reportLine = stdout.split('\n').find((l) => l.startsWith('{"report"'));
  const report = JSON.parse(reportLine!).report;
  const received = JSON.stringify([traces.requests(), metrics.requests()]);
  expect(traces.spans().length).toBeGreaterThan(0);
  expect(metrics.metrics().length).toBeGreaterThan(0);
  return {
    canary,
    promptSecret,
    outcomes: report.outcomes,
    spansText: JSON.stringify(traces.spans()),
    everything: [
      stdout.replace(reportLine!, ''),
      stderr,
      report.prometheusText,
      report.openMetrics,
      received,
    ].join('\n'),
  };
}

describe('secrets never reach telemetry', () => {
  it('keeps API keys, auth headers, organization and URL credentials out of spans, logs and metrics', async () => {
    const r = await runApp(false);
    // The calls ran, including the ones that failed with the secret in their own error.
    expect(r.outcomes.map((o) => o.name)).toEqual([
      'chat',
      'stream',
      'embeddings',
      '401',
      'a gateway echoing secrets',
      'credentials in the base URL',
    ]);
    // The app's own error holds the secret, unchanged; llmeter records it scrubbed.
    expect(r.outcomes[4]!.error).toContain(r.canary);
    expect(r.spansText).toContain('Incorrect API key provided: [REDACTED]');
    expect(r.outcomes.filter((o) => o.ok).map((o) => o.name)).toEqual([
      'chat',
      'stream',
      'embeddings',
    ]);
    expect(r.everything).not.toContain(r.canary);
    // llmeter's own lines were there to search: the llm_call_completed log lines.
    expect(r.everything).toContain('llm_call_completed');
  }, 60_000);

  it('captures no prompt or completion content by default', async () => {
    const r = await runApp(false);
    expect(r.everything).not.toContain(r.promptSecret);
    expect(r.everything).not.toContain('Say hello');
    expect(r.spansText).not.toContain('gen_ai.input.messages');
    expect(r.spansText).not.toContain('gen_ai.output.messages');
  }, 60_000);

  it('runs the redaction hook before anything is recorded when content capture is on', async () => {
    const r = await runApp(true);
    expect(r.spansText).toContain('gen_ai.input.messages');
    expect(r.spansText).toContain('Say hello');
    expect(r.spansText).toContain('[redacted]');
    expect(r.everything).not.toContain(r.promptSecret);
    expect(r.everything).not.toContain(r.canary);
  }, 60_000);
});
