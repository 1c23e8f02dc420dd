/**
 * A collector that misbehaves on command: the real OTLP receivers of
 * @llmeter/testing (gRPC for traces, HTTP for metrics, as llmeter exports
 * them) on fixed loopback ports, switched between the faults the soak covers.
 */
import {
  type OtlpGrpcReceiver,
  type OtlpHttpReceiver,
  type ReceivedSpan,
  startOtlpGrpcReceiver,
  startOtlpHttpReceiver,
} from '@llmeter/testing';

export type CollectorMode = 'up' | 'refused' | 'hanging' | 'slow' | 'unavailable' | 'throttled';

/** gRPC status codes the collector answers with when it sheds load. */
const GRPC_UNAVAILABLE = 14;
const GRPC_RESOURCE_EXHAUSTED = 8;
/** Below the exporters' timeout in the soak, so slow exports still succeed. */
export const SLOW_ANSWER_MS = 1500;
/**
 * Export requests each receiver keeps: enough for the checks (the last phase's
 * spans, those flushed on SIGTERM), bounded so that the harness, on the same
 * cores as the service, does not spend a growing share of them collecting its
 * own garbage as the soak goes on.
 */
const KEEP_REQUESTS = 200;
const startTraces = (port?: number) => startOtlpGrpcReceiver({ port, keepRequests: KEEP_REQUESTS });
const startMetrics = (port?: number) =>
  startOtlpHttpReceiver({ port, keepRequests: KEEP_REQUESTS });

export class FaultyCollector {
  private traces: OtlpGrpcReceiver | undefined;
  private metrics: OtlpHttpReceiver | undefined;
  mode: CollectorMode = 'up';

  private constructor(
    readonly tracesPort: number,
    readonly metricsPort: number,
  ) {}

  static async start(): Promise<FaultyCollector> {
    const traces = await startTraces();
    const metrics = await startMetrics();
    const collector = new FaultyCollector(traces.port, metrics.port);
    collector.traces = traces;
    collector.metrics = metrics;
    return collector;
  }

  get tracesUrl(): string {
    return `http://127.0.0.1:${this.tracesPort}`;
  }

  get metricsUrl(): string {
    return `http://127.0.0.1:${this.metricsPort}/v1/metrics`;
  }

  async set(mode: CollectorMode): Promise<void> {
    this.mode = mode;
    if (mode === 'refused') {
      // Nothing listens on the ports: every connection attempt is refused.
      await Promise.all([this.traces?.close(), this.metrics?.close()]);
      this.traces = undefined;
      this.metrics = undefined;
      return;
    }
    this.traces ??= await startTraces(this.tracesPort);
    this.metrics ??= await startMetrics(this.metricsPort);
    switch (mode) {
      case 'up':
        this.traces.setFault(undefined);
        this.metrics.setFault(undefined);
        break;
      case 'hanging':
        this.traces.setFault({ hang: true });
        this.metrics.setFault({ hang: true });
        break;
      case 'slow':
        this.traces.setFault({ delayMs: SLOW_ANSWER_MS });
        this.metrics.setFault({ delayMs: SLOW_ANSWER_MS });
        break;
      case 'unavailable':
        this.traces.setFault({ status: GRPC_UNAVAILABLE });
        this.metrics.setFault({ status: 503 });
        break;
      case 'throttled':
        this.traces.setFault({ status: GRPC_RESOURCE_EXHAUSTED });
        this.metrics.setFault({ status: 429, retryAfterSeconds: 1 });
        break;
    }
  }

  /** Spans of the last export requests accepted since the receivers last (re)started. */
  spans(): ReceivedSpan[] {
    return this.traces?.spans() ?? [];
  }

  /** Metric export requests accepted at or after `sinceMs` (epoch ms), among the last kept. */
  acceptedMetricExportsSince(sinceMs: number): number {
    return (
      this.metrics
        ?.requests()
        .filter((r) => r.signal === 'metrics' && r.accepted && r.receivedAt >= sinceMs).length ?? 0
    );
  }

  async close(): Promise<void> {
    await Promise.all([this.traces?.close(), this.metrics?.close()]);
  }
}
