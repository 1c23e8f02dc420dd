/** The README's demo, run non-interactively: its output must show the table and the trace tree. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const demoDir = fileURLToPath(new URL('../examples/core-demo/', import.meta.url));

describe('the demo', () => {
  it('prints the per-model table, a trace tree and the live endpoints', async () => {
    const { stdout } = await run(process.execPath, ['demo.mjs'], { cwd: demoDir, timeout: 60_000 });
    expect(stdout).toContain('Per model (from llmeter /metrics)');
    expect(stdout).toMatch(
      /model\s+requests\s+error %\s+ttft p50\s+ttft p95\s+dur p50\s+dur p95\s+tokens in\s+tokens out\s+cost \$/,
    );
    expect(stdout).toMatch(/gpt-4o-mini\s+8\s+12\.5\s+\d+ ms/);
    expect(stdout).toMatch(/^invoke_agent support-agent {2}[\d.]+ ms$/m);
    expect(stdout).toMatch(/^ {2}chat gpt-4o {2}[\d.]+ ms {2}ttft \d+ ms {2}tokens \d+→\d+$/m);
    expect(stdout).toMatch(/^ {2}execute_tool get_time .*✗ Error$/m);
    expect(stdout).toContain('llmeter /metrics');
  });
});
