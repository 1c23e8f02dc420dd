/**
 * The README's `pnpm demo` (examples/demo), run non-interactively as CI runs
 * it: the agent service against the mock LLM, a burst of traffic, then the
 * per-model table from its /metrics and one trace received over OTLP.
 * Runs on the built packages (`pnpm run build` first, as `pnpm test` does).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const demoDir = fileURLToPath(new URL('../examples/demo/', import.meta.url));

describe('pnpm demo', () => {
  it('prints the per-model table, the agent summary, a trace tree and the endpoints', async () => {
    // Offline whatever the shell has configured: the demo always uses the mock LLM.
    const env = { ...process.env, OPENAI_API_KEY: 'must-not-be-used' };
    const { stdout } = await run(process.execPath, ['demo.mjs'], {
      cwd: demoDir,
      env,
      timeout: 60_000,
    });

    expect(stdout).toContain('(upstream: mock LLM)');
    // The progress bar counts HTTP requests to the service; the table counts model calls.
    expect(stdout).toContain('36/36 HTTP requests');
    expect(stdout).not.toContain('unexpected answers');

    // The table: four models; gpt-4o carries the one upstream 429 of its 9 calls.
    expect(stdout).toContain('Per model (from llmeter /metrics)');
    expect(stdout).toMatch(
      /model\s+model calls\s+error %\s+ttft p50\s+ttft p95\s+dur p50\s+dur p95\s+tokens in\s+tokens out\s+cost \$/,
    );
    expect(stdout).toMatch(/^gpt-4\.1-mini\s+7\s+0\.0\s+\d+ ms\s+\d+ ms\s+\d+ ms\s+\d+ ms/m);
    expect(stdout).toMatch(/^gpt-4o\s+9\s+11\.1\s+\d+ ms/m);
    expect(stdout).toMatch(/^gemini-2\.5-flash\s+4\s+0\.0\s+\d+ ms/m);
    // Claude through the Anthropic SDK's stream helper: 3 calls, with time to first chunk and cost.
    expect(stdout).toMatch(
      /^claude-sonnet-4-5\s+3\s+0\.0\s+\d+ ms\s+\d+ ms\s+\d+ ms\s+\d+ ms\s+\d+\s+\d+\s+0\.\d+$/m,
    );
    // The agent's model calls are not streamed: no time to first chunk.
    expect(stdout).toMatch(
      /^gpt-4o-mini\s+\d+\s+0\.0\s+-\s+-\s+\d+ ms\s+\d+ ms\s+\d+\s+\d+\s+0\.\d+$/m,
    );

    expect(stdout).toMatch(
      /^Agent weather-agent: 13 runs, p50 \d+ ms; tool calls: (?=.*get_weather 7)(?=.*get_time 5 \(2 failed\))(?=.*get_forecast 2 \(1 failed\)).*$/m,
    );
    expect(stdout).toMatch(
      /^Served \/v1\/chat\/completions: 7 requests, server time to first token p50 \d+ ms/m,
    );

    // The trace, as received over OTLP/gRPC.
    expect(stdout).toMatch(/^Trace [0-9a-f]{32}$/m);
    expect(stdout).toMatch(/^POST \/agent {2}[\d.]+ ms$/m);
    expect(stdout).toMatch(/^ {2}invoke_agent weather-agent {2}[\d.]+ ms$/m);
    expect(stdout).toMatch(/^ {4}chat gpt-4o-mini {2}[\d.]+ ms {2}tokens \d+→\d+$/m);
    expect(stdout).toMatch(/^ {4}execute_tool get_weather {2}[\d.]+ ms$/m);
    expect(stdout).toMatch(/^ {4}execute_tool get_time {2}[\d.]+ ms {2}✗ RangeError$/m);
    // The MCP hop: the agent's MCP client span, the MCP server's span under it.
    expect(stdout).toMatch(
      /^ {2}tools\/call get_forecast {2}[\d.]+ ms {2}✗ tool_error\n {4}tools\/call get_forecast /m,
    );

    expect(stdout).toMatch(/"trace_id":"[0-9a-f]{32}".*"msg":"llm_call_completed"/);
    expect(stdout).toContain('Live endpoints');
    expect(stdout).toMatch(/GET {2}\/metrics/);
    // Why a cell is empty, and what the columns count.
    expect(stdout).toMatch(/^model calls: the service's calls to the LLM/m);
    expect(stdout).toMatch(/^ttft: .*streamed calls only; "-" when none/m);
    expect(stdout).toContain('npx -y pnpm@12 demo --serve');
    expect(stdout).not.toMatch(/\(pnpm demo --serve\)/);
    expect(stdout).toMatch(
      /Service stopped \(exit 0\)\. Received over OTLP: \d+ spans, \d+ metric exports \(DELTA temporality\)\./,
    );
  }, 60_000);
});
