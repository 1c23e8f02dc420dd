/**
 * The real example agent service (examples/agent-service) under the demo's traffic, for the
 * dashboards test: started with launch.mjs as the demo and test/agent-service-e2e.test.ts start
 * it (`node src/server.mjs` on the built packages, its embedded mock LLM, loopback only), with
 * /metrics scraped and no OTLP export, and sent the demo's burst (examples/demo/traffic.mjs).
 * The series are the service's own: nothing here records a metric.
 *
 * One stand-in is left, for what one process cannot be: a second pod holding other GPUs. Pod 1
 * is a pass-through of pod 0's exposition in which the UUID of llmeter_gpu_info is swapped, so
 * each "pod" holds its own GPUs (the GPU join needs two pods, one with two GPUs). Prometheus
 * attaches namespace/pod/container as target labels, as a ServiceMonitor would.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
// @ts-expect-error plain ESM helpers without type declarations
import { ISOLATED_ENV, launchAgentService } from '../../../examples/agent-service/launch.mjs';
// @ts-expect-error plain ESM helpers without type declarations
import { demoPlan, sendPlan } from '../../../examples/demo/traffic.mjs';

export interface AgentTraffic {
  /** /metrics of pod 0: the service itself. */
  pod0Url: string;
  /** /metrics of pod 1 (pass-through with pod 1's GPUs). */
  pod1Url: string;
  /** The service's stdout JSON lines, exactly as written. */
  logLines(): string[];
  /** The demo's burst; call it more than once so that rates are positive. */
  burst(): Promise<void>;
  /** Ends the request held in flight, stops the service (SIGTERM), closes the pass-through. */
  close(): Promise<void>;
}

export interface AgentTrafficOptions {
  /** NVIDIA_VISIBLE_DEVICES of pod 0 (one UUID), as the device plugin sets it. */
  gpuPod0: string;
  /** The GPUs pod 1 holds instead. */
  gpusPod1: string[];
}

/** Bounds every request of the burst and the service's start, so a hang fails the test. */
const REQUEST_TIMEOUT_MS = 20_000;
const START_TIMEOUT_MS = 30_000;

export async function startAgentTraffic(options: AgentTrafficOptions): Promise<AgentTraffic> {
  const service = await launchAgentService({
    timeoutMs: START_TIMEOUT_MS,
    env: {
      // The embedded mock LLM and /metrics only, whatever the shell has configured.
      ...ISOLATED_ENV,
      OTEL_SERVICE_NAME: 'agent-service',
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_METRICS_EXPORTER: 'prometheus',
      NVIDIA_VISIBLE_DEVICES: options.gpuPod0,
    },
  });
  const pod0Url = `${service.url}/metrics`;

  const passThrough: Server = createServer(async (req, res) => {
    try {
      const upstream = await fetch(pod0Url, {
        headers: { accept: req.headers.accept ?? '*/*' },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = (await upstream.text()).replace(
        new RegExp(`^llmeter_gpu_info\\{UUID="${options.gpuPod0}"\\} (\\S+)$`, 'm'),
        (_line, value: string) =>
          options.gpusPod1.map((uuid) => `llmeter_gpu_info{UUID="${uuid}"} ${value}`).join('\n'),
      );
      res.writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'text/plain',
      });
      res.end(text);
    } catch (error) {
      res.writeHead(502).end(String(error));
    }
  });
  await new Promise<void>((r) => passThrough.listen(0, '127.0.0.1', r));
  const pod1Url = `http://127.0.0.1:${(passThrough.address() as AddressInfo).port}/metrics`;

  // One model call stays in flight the whole time (the mock LLM never answers it), so that
  // llmeter_client_active_requests is 1, not just 0. Aborted by close().
  const held = new AbortController();
  const inFlight = fetch(`${service.url}/chat/stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-mock-hang': '1' },
    body: JSON.stringify({ message: 'This one is still thinking.' }),
    signal: held.signal,
  }).then(
    (r) => r.arrayBuffer(),
    () => undefined,
  );

  return {
    pod0Url,
    pod1Url,
    logLines: () => [...service.rawLogs],
    async burst() {
      const surprises: string[] = await sendPlan(service.url, demoPlan(), {
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
      if (surprises.length > 0) throw new Error(`unexpected answers: ${surprises.join('; ')}`);
    },
    async close() {
      held.abort();
      await inFlight.catch(() => undefined);
      await service.stop(5_000);
      await new Promise((r) => passThrough.close(r));
    },
  };
}
