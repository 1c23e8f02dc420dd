// Starts the agent service as a child process and waits until it listens.
// Used by the demo (examples/demo) and the end-to-end test; not part of the
// service itself.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const serverPath = fileURLToPath(new URL('./src/server.mjs', import.meta.url));

/**
 * Spread into `env` for a service that uses its embedded mock LLM and exports
 * only where the caller says, whatever the shell has configured: the demo and
 * the tests must stay offline and see only their own telemetry.
 */
export const ISOLATED_ENV = Object.freeze({
  OPENAI_API_KEY: undefined,
  OPENAI_BASE_URL: undefined,
  OTEL_SDK_DISABLED: undefined,
  OTEL_TRACES_SAMPLER: undefined,
  OTEL_SERVICE_NAME: undefined,
  OTEL_RESOURCE_ATTRIBUTES: undefined,
  OTEL_TRACES_EXPORTER: undefined,
  OTEL_METRICS_EXPORTER: undefined,
  OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: undefined,
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: undefined,
  LLMETER_METRICS_PORT: undefined,
});

/**
 * @param {{ env?: Record<string, string | undefined>, port?: number, timeoutMs?: number, entry?: string, nodeArgs?: string[] }} [options]
 * `env` is added to the parent's environment; a key set to undefined is
 * removed. The mock LLM is used unless the env names an upstream. `entry` is
 * the server.mjs to run: this one by default, or that of a copy made with
 * `pnpm deploy`, as the Dockerfile makes it. `nodeArgs` go before it (e.g.
 * `--import` of a test probe).
 */
export async function launchAgentService({
  env = {},
  port = 0,
  timeoutMs = 20_000,
  entry = serverPath,
  nodeArgs = [],
} = {}) {
  const childEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1' };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[key];
    else childEnv[key] = value;
  }
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = [];
  // The same lines as written, for checks that must see the exact text (a log
  // pipeline's regex, e.g. Grafana's derived field for trace_id).
  const rawLogs = [];
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text) => {
    stderr += text;
  });
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  // Never leave the service behind when whoever started it exits, or crashes.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  exited.then(() => process.removeListener('exit', killOnExit));

  const listening = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`agent service did not start:\n${stderr}`)),
      timeoutMs,
    );
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`agent service exited (${code ?? signal}) before listening:\n${stderr}`));
    });
    createInterface({ input: child.stdout }).on('line', (text) => {
      let line;
      try {
        line = JSON.parse(text);
      } catch {
        line = { msg: text };
      }
      logs.push(line);
      rawLogs.push(text);
      // --serve runs for as long as one likes
      if (logs.length > 10_000) {
        logs.shift();
        rawLogs.shift();
      }
      if (line.msg === 'agent-service listening') {
        clearTimeout(timer);
        resolve(line);
      }
    });
  });
  let ready;
  try {
    ready = await listening;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }

  return {
    url: ready.url,
    port: ready.port,
    upstream: ready.upstream,
    upstreamUrl: ready.upstreamUrl,
    pid: child.pid,
    logs,
    rawLogs,
    stderr: () => stderr,
    /** SIGTERM (the service drains and flushes), then SIGKILL after `graceMs`. */
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}
