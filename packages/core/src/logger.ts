import { context, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * Adds `trace_id` and `span_id` (the field names Loki/Grafana derived fields
 * expect) to every line logged while a span is active. Pass it as pino's
 * `mixin` to give an application's own logger the same correlation:
 * `pino({ mixin: traceCorrelationMixin })`.
 */
export function traceCorrelationMixin(): Record<string, string> {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const ctx = span.spanContext();
  if (!trace.isSpanContextValid(ctx)) return {};
  return { trace_id: ctx.traceId, span_id: ctx.spanId };
}

/** llmeter's pino: JSON on stdout with trace correlation. */
export function createLogger(options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  const withCorrelation: LoggerOptions = {
    ...options,
    mixin: (mergeObject, level, logger) => ({
      ...traceCorrelationMixin(),
      ...(options.mixin ? options.mixin(mergeObject, level, logger) : {}),
    }),
  };
  return destination ? pino(withCorrelation, destination) : pino(withCorrelation);
}

/**
 * How long a log line waits for the ones after it before they are handed to
 * stdout together. Why: pino's asynchronous SonicBoom issues one `fs.write`
 * per line whenever it is idle, which on a service handling one call at a
 * time is one libuv thread-pool round trip (two thread wake-ups) per line:
 * about 60 µs of CPU per line on the 2-core benchmark VM, against 8 µs when
 * lines are handed over in 10 ms batches (one line per event-loop turn,
 * /dev/null as stdout). Lines are never reordered; at most this much is
 * written late.
 */
const BATCH_MS = 10;
/**
 * A batch is handed over at this many UTF-16 units without waiting (or at
 * half the buffer, if smaller): 64 to 192 KiB of UTF-8.
 */
const BATCH_UNITS = 64 * 1024;
/** The most UTF-8 bytes one UTF-16 unit of a JS string encodes to. */
const MAX_BYTES_PER_UNIT = 3;

interface SonicLike extends DestinationStream {
  on(event: 'write', listener: (bytes: number) => void): unknown;
  on(event: 'drop', listener: (data: string) => void): unknown;
  flushSync(): void;
}

const pending = new Set<BatchedStdout>();
let exitHooked = false;

/**
 * llmeter's stdout for its logger: lines batched for BATCH_MS, then written by
 * SonicBoom asynchronously, as pino's default destination is, but bounded: the
 * default has no limit, so while stdout falls behind a sustained load its
 * buffer grows for as long as the load lasts (a 200k-operation loop reached
 * 99 MB). A line that would take what is not yet written past `maxBytes` is
 * dropped and counted.
 */
export class BatchedStdout implements DestinationStream {
  private lines: string[] = [];
  /** The batch's length in UTF-16 units (its exact byte count is taken when it is handed over). */
  private batchUnits = 0;
  /** Handed to SonicBoom and not yet written. */
  private unwritten = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly flushNow = () => this.flush();
  private readonly batchLimit: number;

  constructor(
    private readonly out: SonicLike,
    private readonly maxBytes: number,
    private readonly onDrop: (lines: number) => void,
  ) {
    this.batchLimit = Math.min(BATCH_UNITS, maxBytes / 2);
    out.on('write', (bytes) => {
      this.unwritten = Math.max(0, this.unwritten - bytes);
    });
    // SonicBoom's own bound is a backstop (set above ours): what it drops is counted too.
    out.on('drop', (data) => {
      this.unwritten = Math.max(0, this.unwritten - Buffer.byteLength(data));
      this.onDrop(countLines(data));
    });
    pending.add(this);
    hookExit();
  }

  write(line: string): void {
    // Far from the bound, 3 bytes per unit is bound enough and the line is not
    // counted: Buffer.byteLength flattens it, ~540 B of llmeter's ~13 KB per
    // openai call (allocations.mjs). Near it, the batch is handed over first,
    // so what is unwritten is exact, and the line is counted.
    const units = line.length;
    if (this.unwritten + MAX_BYTES_PER_UNIT * (this.batchUnits + units) > this.maxBytes) {
      this.flush();
      if (this.unwritten + Buffer.byteLength(line) > this.maxBytes) {
        this.onDrop(1);
        return;
      }
    }
    this.lines.push(line);
    this.batchUnits += units;
    if (this.batchUnits >= this.batchLimit) this.flush();
    // Unref'd: a waiting batch never keeps the process alive (exit writes it, see hookExit).
    else this.timer ??= setTimeout(this.flushNow, BATCH_MS).unref();
  }

  /** Hands the batch to SonicBoom now (pino's `logger.flush()` calls this too). */
  flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.lines.length === 0) return;
    const chunk = this.lines.length === 1 ? this.lines[0]! : this.lines.join('');
    // join's result is one flat string: counting it copies nothing.
    this.unwritten += Buffer.byteLength(chunk);
    this.lines = [];
    this.batchUnits = 0;
    this.out.write(chunk);
  }

  /** Everything, synchronously: at exit. */
  flushSync(): void {
    this.flush();
    try {
      this.out.flushSync();
    } catch {
      // stdout closed or busy at exit: nothing more to do
    }
  }

  /** At llmeter's shutdown: written, and no longer held for the exit hook. */
  close(): void {
    this.flush();
    pending.delete(this);
  }
}

function countLines(data: string): number {
  let lines = 0;
  for (let i = data.indexOf('\n'); i !== -1; i = data.indexOf('\n', i + 1)) lines++;
  return Math.max(1, lines);
}

/** One listener for every batcher: lines waiting at exit are written before the process ends. */
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on('beforeExit', () => {
    for (const out of pending) out.flush();
  });
  process.on('exit', () => {
    for (const out of pending) out.flushSync();
  });
}

/**
 * stdout as llmeter's logger writes it (BatchedStdout), or undefined where
 * something replaced `process.stdout.write` (a test capturing output, a log
 * shipper's hook): pino then writes through it, as it does by default.
 */
export function boundedStdout(
  maxBytes: number,
  onDrop: (lines: number) => void,
): BatchedStdout | undefined {
  if (process.stdout.write !== Object.getPrototypeOf(process.stdout).write) return undefined;
  const sonic = pino.destination({
    dest: process.stdout.fd ?? 1,
    sync: false,
    // Above BatchedStdout's own bound (a batch may straddle it): a backstop only.
    maxLength: maxBytes + MAX_BYTES_PER_UNIT * BATCH_UNITS,
  }) as unknown as SonicLike;
  return new BatchedStdout(sonic, maxBytes, onDrop);
}
