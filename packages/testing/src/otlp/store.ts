import type { OtlpReceiver, OtlpReceiverFault } from '../types.js';
import { logsOf, spansOf } from './normalize.js';
import { metricsOf } from './normalize-metrics.js';
import type {
  ReceivedLogRecord,
  ReceivedMetric,
  ReceivedSpan,
  ReceiverRequest,
} from './telemetry-types.js';

interface Normalized {
  spans: ReceivedSpan[];
  metrics: ReceivedMetric[];
  logs: ReceivedLogRecord[];
}

interface Entry {
  request: ReceiverRequest;
  /** Computed on first read, then kept: waitFor predicates re-read it after every request. */
  normalized?: Normalized;
}

function normalize(request: ReceiverRequest): Normalized {
  const body = request.accepted ? request.body : {};
  const out: Normalized = { spans: [], metrics: [], logs: [] };
  if (request.signal === 'traces') out.spans = spansOf(body);
  else if (request.signal === 'metrics') out.metrics = metricsOf(body);
  else out.logs = logsOf(body);
  return out;
}

const DEFAULT_WAIT_MS = 10_000;

/**
 * What both receivers keep: the request log, its normalized view (computed
 * once per request, when first read: a receiver nobody reads, as in a soak,
 * costs the machine only the decoding), the fault switch and the waiters.
 */
export class ReceiverStore {
  private entries: Entry[] = [];
  private readonly waiters = new Set<(closed?: Error) => void>();
  private fault: OtlpReceiverFault | undefined;
  private faultRemaining: number | undefined;

  constructor(
    fault?: OtlpReceiverFault,
    private readonly keepRequests = Number.POSITIVE_INFINITY,
  ) {
    this.setFault(fault);
  }

  setFault(fault: OtlpReceiverFault | undefined): void {
    this.fault = fault;
    this.faultRemaining = fault?.times;
  }

  /** The fault that applies to the request now arriving, counting down `times`. */
  takeFault(): OtlpReceiverFault | undefined {
    if (!this.fault) return undefined;
    if (this.faultRemaining !== undefined) {
      if (this.faultRemaining <= 0) {
        this.fault = undefined;
        return undefined;
      }
      this.faultRemaining -= 1;
    }
    return this.fault;
  }

  record(request: ReceiverRequest): void {
    this.entries.push({ request });
    if (this.entries.length > this.keepRequests) this.entries.shift();
    for (const check of [...this.waiters]) check();
  }

  requests(): ReceiverRequest[] {
    return this.entries.map((e) => e.request);
  }

  spans(): ReceivedSpan[] {
    return this.entries.flatMap((e) => this.normalized(e).spans);
  }

  metrics(): ReceivedMetric[] {
    return this.entries.flatMap((e) => this.normalized(e).metrics);
  }

  logs(): ReceivedLogRecord[] {
    return this.entries.flatMap((e) => this.normalized(e).logs);
  }

  private normalized(entry: Entry): Normalized {
    entry.normalized ??= normalize(entry.request);
    return entry.normalized;
  }

  reset(): void {
    this.entries = [];
  }

  waitFor<T>(
    receiver: OtlpReceiver,
    predicate: (receiver: OtlpReceiver) => T | undefined | null | false,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const check = (closed?: Error): void => {
        try {
          if (closed) throw closed;
          const result = predicate(receiver);
          if (!result) return;
          finish();
          resolve(result);
        } catch (error) {
          finish();
          reject(error);
        }
      };
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
      if (!this.waiters.has(check)) return;
      timer = setTimeout(() => {
        finish();
        reject(new Error(`waitFor: condition not met within ${timeoutMs} ms; ${this.summary()}`));
      }, timeoutMs);
    });
  }

  /** Rejects pending waitFor calls: nothing more can arrive. */
  close(): void {
    const error = new Error('waitFor: the receiver was closed');
    for (const check of [...this.waiters]) check(error);
  }

  /** What arrived, for timeout messages that explain themselves. */
  summary(): string {
    const names = (items: { name: string }[]) => [...new Set(items.map((i) => i.name))].join(', ');
    const rejected = this.entries.filter((e) => !e.request.accepted).length;
    return (
      `received ${this.entries.length} request(s) (${rejected} refused by a fault); ` +
      `spans: [${names(this.spans())}]; metrics: [${names(this.metrics())}]; log records: ${this.logs().length}`
    );
  }
}
