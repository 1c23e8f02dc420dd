/**
 * Real llmeter traffic, in process: `init()` from @llmeter/core with a standalone /metrics
 * listener on 127.0.0.1, and bursts of operations through the public helpers (withLLMCall,
 * withTool, withAgent, the recorder for streams and served requests, guardrails, evaluations,
 * outcomes). The series are exactly those of any instrumented service (examples/agent-service
 * included): same names, same labels.
 *
 * Two "pods" of one Deployment are simulated with one process: pod 0 is llmeter's own listener;
 * pod 1 is a pass-through of the same exposition in which the GPU UUID of llmeter_gpu_info is
 * swapped, so each pod holds its own GPU. Prometheus attaches namespace/pod/container as target
 * labels, as a ServiceMonitor would.
 */
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  init,
  type LLMeter,
  type LLMOperation,
  recordAgentOutcome,
  recordEvaluation,
  recordGuardrail,
  withAgent,
  withLLMCall,
  withTool,
} from '@llmeter/core';
import { ROOT } from './repo';

export interface Traffic {
  llmeter: LLMeter;
  /** /metrics of pod 0 (llmeter's listener). */
  pod0Url: string;
  /** /metrics of pod 1 (pass-through with pod 1's GPU). */
  pod1Url: string;
  /** JSON log lines llmeter wrote (llm_call_completed, ...). */
  logLines(): string[];
  /** One burst of every kind of operation; call it more than once so rates are positive. */
  burst(): Promise<void>;
  /** Ends the call left in flight, shuts llmeter down, closes the pass-through. */
  close(): Promise<void>;
}

export interface TrafficOptions {
  /** NVIDIA_VISIBLE_DEVICES of pod 0 (one UUID). */
  gpuPod0: string;
  /** The GPUs pod 1 holds instead. */
  gpusPod1: string[];
}

const OPENAI = { provider: 'openai', serverAddress: 'api.openai.com', serverPort: 443 };

export async function startTraffic(options: TrafficOptions): Promise<Traffic> {
  process.env.NVIDIA_VISIBLE_DEVICES = options.gpuPod0;
  const lines: string[] = [];
  // pino from @llmeter/core's own dependencies: llmeter's log lines, captured instead of stdout.
  const pino = createRequire(join(ROOT, 'packages/core/package.json'))('pino');
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line.trim()) });
  const llmeter = init({
    serviceName: 'agent-service',
    tracesExporter: ['none'],
    metricsExporter: ['prometheus'],
    metricsPort: 0,
    metricsHost: '127.0.0.1',
    handleSignals: false,
    logger,
    internalLogLevel: 'silent',
  });
  delete process.env.NVIDIA_VISIBLE_DEVICES;
  const listener = llmeter.metricsServer!;
  await new Promise((r) => (listener.listening ? r(undefined) : listener.once('listening', r)));
  const pod0Url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/metrics`;

  const passThrough: Server = createServer(async (req, res) => {
    try {
      const upstream = await fetch(pod0Url, { headers: { accept: req.headers.accept ?? '*/*' } });
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

  // One call stays in flight the whole time: llmeter_client_active_requests is 1, not just 0.
  const inFlight: LLMOperation = llmeter.recorder.startOperation({
    ...OPENAI,
    requestModel: 'gpt-4o',
  });

  const chat = (model: string, input: number, output: number) =>
    withLLMCall({ ...OPENAI, requestModel: model }, async (op) => {
      op.update({
        responseModel: model,
        usage: { inputTokens: input, outputTokens: output },
        finishReasons: ['stop'],
      });
      return 'ok';
    });

  const stream = (model: string) => {
    // Timestamps on the recorder's clock: first chunk after 300 ms, then one every 20 ms.
    const start = performance.now() - 500;
    const op = llmeter.recorder.startOperation({
      ...OPENAI,
      requestModel: model,
      request: { stream: true },
      startTime: start,
    });
    for (let i = 0; i < 8; i++) op.chunk(start + 300 + i * 20);
    op.end({ responseModel: model, usage: { inputTokens: 400, outputTokens: 8 } });
  };

  async function burst(): Promise<void> {
    for (let i = 0; i < 3; i++) await chat('gpt-4o-mini', 120, 30);
    await chat('gpt-4o', 900, 200);
    stream('gpt-4o');
    stream('gpt-4o-mini');
    await withLLMCall({ ...OPENAI, requestModel: 'gpt-4o' }, async () => {
      throw Object.assign(new Error('rate limited'), { name: 'RateLimitError' });
    }).catch(() => {});
    await withLLMCall(
      { ...OPENAI, operation: 'embeddings', requestModel: 'text-embedding-3-small' },
      async (op) => op.update({ usage: { inputTokens: 64 } }),
    );
    await withAgent('support-agent', async () => {
      await chat('gpt-4o-mini', 300, 40);
      await withTool({ name: 'get_weather', callId: 'call_1' }, async () => ({ temp: 21 }));
      await withTool('get_time', async () => {
        throw Object.assign(new Error('clock service down'), { name: 'ToolError' });
      }).catch(() => {});
      await chat('gpt-4o-mini', 350, 60);
    });
    llmeter.recorder.recordServedRequest({
      operation: 'chat',
      provider: 'openai',
      requestModel: 'llama-3.1-8b',
      responseModel: 'llama-3.1-8b',
      serverAddress: 'agent-service',
      serverPort: 3000,
      durationS: 0.9,
      timeToFirstTokenS: 0.12,
      timePerOutputTokenS: [0.03, 0.04, 0.035],
    });
    recordGuardrail({ name: 'pii', action: 'redacted' });
    recordEvaluation({ name: 'relevance', scoreLabel: 'pass' });
    recordAgentOutcome({ agentName: 'support-agent', outcome: 'success' });
  }

  return {
    llmeter,
    pod0Url,
    pod1Url,
    logLines: () => [...lines],
    burst,
    async close() {
      inFlight.end();
      await llmeter.shutdown();
      await new Promise((r) => passThrough.close(r));
    },
  };
}
