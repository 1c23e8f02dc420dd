/**
 * What start-up loads, on the built @llmeter/core in an ES module app: the
 * OTLP exporters (gRPC above all) wait for their first export, and llmeter
 * does not make Node load undici (its `node:http` import would, through the
 * ES module facade's read of http's lazy WebSocket getter: ~27 ms). Module
 * lists, not timings: test/bench/setup.mjs measures the time.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const app = fileURLToPath(new URL('./fixtures/start-up-loads-app.mjs', import.meta.url));

describe('start-up', () => {
  it('init() loads no OTLP exporter and not undici before the first export', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [app], {
      env: { ...process.env, OTEL_SERVICE_NAME: 'start-up' },
    });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({
      core: true,
      undici: false,
      exporters: 0,
    });
  });
});
