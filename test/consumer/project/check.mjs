// Runs inside the consumer project, on the Node that runs it: the services send
// their telemetry to @llmeter/testing's receivers (installed from its tarball)
// and serve /metrics; every entry point loads; tsc type-checks them all.
import { spawn, spawnSync } from 'node:child_process';
import { startMockLLM, startOtlpGrpcReceiver, startOtlpHttpReceiver } from '@llmeter/testing';

const traces = await startOtlpGrpcReceiver();
const metrics = await startOtlpHttpReceiver();
const mock = await startMockLLM();
const env = {
  ...process.env,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: traces.url,
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: metrics.metricsUrl,
  OTEL_METRICS_EXPORTER: 'otlp,prometheus',
  OTEL_METRIC_EXPORT_INTERVAL: '600000',
  MOCK_LLM_URL: mock.url,
};

function fail(message) {
  throw new Error(message);
}

function start(args, serviceName, extraEnv = {}) {
  const child = spawn(process.execPath, args, {
    env: { ...env, OTEL_SERVICE_NAME: serviceName, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => {
    stdout += c;
  });
  child.stderr.on('data', (c) => {
    stderr += c;
  });
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const output = () => `stdout:\n${stdout}\nstderr:\n${stderr}`;
  const listening = new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${serviceName} did not start\n${output()}`)),
      30_000,
    );
    child.stdout.on('data', () => {
      const m = /listening (\d+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${serviceName} exited early\n${output()}`));
    });
  });
  listening.catch(() => {});
  return { child, exited, listening, output };
}

function spansOf(serviceName) {
  return traces.spans().filter((s) => s.resource['service.name'] === serviceName);
}

async function expectTelemetry(serviceName, spanNames) {
  await traces.waitFor(
    () => spanNames.every((n) => spansOf(serviceName).some((s) => s.name === n)),
    15_000,
  );
  await metrics.waitFor(
    () =>
      metrics
        .metrics()
        .some(
          (m) =>
            m.resource['service.name'] === serviceName &&
            m.name === 'gen_ai.client.operation.duration',
        ),
    15_000,
  );
}

async function service(file, serviceName, spanNames) {
  const app = start([file], serviceName);
  const port = await app.listening;
  const base = `http://127.0.0.1:${port}`;
  const chat = await fetch(`${base}/chat`, { method: 'POST' });
  if (chat.status !== 200) fail(`${file}: POST /chat answered ${chat.status}\n${app.output()}`);
  await chat.json();
  const scraped = await (await fetch(`${base}/metrics`)).text();
  for (const series of [
    'gen_ai_client_operation_duration_seconds_count',
    'gen_ai_client_token_usage_bucket',
    'gen_ai_invoke_agent_duration_seconds_count',
  ]) {
    if (!scraped.includes(series))
      fail(`${file}: /metrics lacks ${series}\n${scraped.slice(0, 2000)}`);
  }
  app.child.kill('SIGTERM');
  const { code } = await app.exited;
  if (code !== 0) fail(`${file}: exit code ${code} after SIGTERM\n${app.output()}`);
  await expectTelemetry(serviceName, spanNames);
  if (spansOf(serviceName).some((s) => s.name === 'GET /metrics'))
    fail(`${file}: a span for /metrics`);
  console.log(`${file}: spans, OTLP metrics and /metrics`);
}

async function script(args, serviceName) {
  const app = start(args, serviceName);
  const { code } = await app.exited;
  if (code !== 0) fail(`${args.join(' ')}: exit code ${code}\n${app.output()}`);
  await expectTelemetry(serviceName, ['chat gpt-4o']);
  console.log(`node ${args.join(' ')}: spans and OTLP metrics, flushed on a natural exit`);
}

function runSync(args, what, extraEnv = {}) {
  const result = spawnSync(process.execPath, args, {
    env: { ...env, OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', ...extraEnv },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0)
    fail(`${what} failed (${result.status ?? result.signal})\n${result.stdout}\n${result.stderr}`);
  console.log(`${what}: ${result.stdout.trim().split('\n').pop() || 'ok'}`);
}

try {
  await service('esm-service.mjs', 'consumer-esm', [
    'POST /chat',
    'invoke_agent consumer-agent',
    'chat gpt-4o-mini',
    'invoke_workflow shout',
  ]);
  await service('cjs-service.cjs', 'consumer-cjs', [
    'POST /chat',
    'invoke_agent consumer-agent',
    'chat gpt-4o-mini',
  ]);
  await script(['--import', '@llmeter/core/register', 'register-app.mjs'], 'consumer-register-esm');
  await script(
    ['--require', '@llmeter/core/register', 'register-app.cjs'],
    'consumer-register-cjs',
  );
  runSync(['load-all.mjs'], 'every entry point by import');
  runSync(['load-all.cjs'], 'every entry point by require');
  runSync(
    ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json'],
    'tsc --noEmit (strict, NodeNext, .mts and .cts)',
  );
} finally {
  await Promise.all([traces.close(), metrics.close(), mock.close()]);
}
