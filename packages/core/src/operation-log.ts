import pino, { type Logger } from 'pino';
import { LOG_EVENT_LLM_CALL_COMPLETED } from './constants';

interface LoggedOperation {
  readonly span: import('@opentelemetry/api').Span;
  readonly operation: string;
  readonly provider: string;
  readonly requestModel: string | undefined;
  readonly responseModel: string | undefined;
  readonly finishReasons: string[] | undefined;
  readonly usage: import('./types').Usage | undefined;
  readonly stream: boolean;
  readonly timeToFirstChunkS: number | undefined;
  readonly inputMessagesJson: string | undefined;
}

interface LoggedOutcome {
  durationS: number;
  errorType: string | undefined;
  costUsd: number | undefined;
  incomplete: boolean;
  outputMessagesJson: string | undefined;
}

/** What of llmeter's own pino the line is written with: its stream, `"time"` and bindings. */
interface OwnLogger {
  write(line: string): void;
  time(): string;
  /** `,"pid":…,"hostname":…` and whatever `setBindings()` added since: read per line. */
  bindings(): string;
  levels: Record<string, number>;
}

const LINE_START = `,"event":"${LOG_EVENT_LLM_CALL_COMPLETED}","trace_id":"`;
const LINE_END = `,"msg":"${LOG_EVENT_LLM_CALL_COMPLETED}"}\n`;

/**
 * Writes the one `llm_call_completed` line per operation.
 *
 * Through llmeter's own logger the line is serialised here, in pino's layout
 * (`level`, `time`, bindings, the fields, `msg`), and handed to that logger's
 * stream. Why: pino's generic path (the correlation mixin, a merge, a walk
 * over every key with a type switch) made the line cost 3.3–3.5 µs per
 * operation in the recorder loop (recorder-costs.cjs, log line on minus off);
 * written here it costs 0.9–1.4 µs. An application's own logger gets the line
 * through its API, so its hooks, formatters, redaction and transports apply.
 */
export class OperationLog {
  private readonly own: OwnLogger | undefined;

  constructor(
    private readonly logger: Logger,
    ownLogger = false,
  ) {
    this.own = ownLogger ? ownLoggerOf(logger) : undefined;
  }

  inference(op: LoggedOperation, outcome: LoggedOutcome): void {
    const level = outcome.errorType === undefined ? 'info' : 'warn';
    if (!this.logger.isLevelEnabled(level)) return;
    if (this.own !== undefined) {
      this.own.write(this.line(this.own, level, op, outcome));
      return;
    }
    const ctx = op.span.spanContext();
    const usage = op.usage;
    // line() below writes these fields in this order for llmeter's own logger: change both.
    const line: Record<string, unknown> = {
      event: LOG_EVENT_LLM_CALL_COMPLETED,
      trace_id: ctx.traceId,
      span_id: ctx.spanId,
      operation: op.operation,
      provider: op.provider,
      model: op.responseModel ?? op.requestModel,
      request_model: op.requestModel,
      response_model: op.responseModel,
      stream: op.stream,
      duration_s: round(outcome.durationS),
      ttft_s: op.timeToFirstChunkS === undefined ? undefined : round(op.timeToFirstChunkS),
      input_tokens: usage?.inputTokens,
      output_tokens: usage?.outputTokens,
      cache_read_input_tokens: usage?.cacheReadInputTokens,
      reasoning_output_tokens: usage?.reasoningOutputTokens,
      cost_usd: outcome.costUsd,
      finish_reasons: op.finishReasons,
      error_type: outcome.errorType,
      incomplete: outcome.incomplete ? true : undefined,
    };
    if (op.inputMessagesJson !== undefined) line.input_messages = op.inputMessagesJson;
    if (outcome.outputMessagesJson !== undefined) line.output_messages = outcome.outputMessagesJson;
    this.logger[level](line, LOG_EVENT_LLM_CALL_COMPLETED);
  }

  /** The same fields as the object in inference(), in its order, as pino would write them. */
  private line(
    own: OwnLogger,
    level: 'info' | 'warn',
    op: LoggedOperation,
    outcome: LoggedOutcome,
  ): string {
    const ctx = op.span.spanContext();
    const usage = op.usage;
    const model = op.responseModel ?? op.requestModel;
    // Trace and span ids are lowercase hex: written as they are.
    let s = `{"level":${own.levels[level]}${own.time()}${own.bindings()}${LINE_START}${ctx.traceId}","span_id":"${ctx.spanId}","operation":${JSON.stringify(op.operation)},"provider":${JSON.stringify(op.provider)}`;
    if (model !== undefined) s += `,"model":${JSON.stringify(model)}`;
    if (op.requestModel !== undefined) s += `,"request_model":${JSON.stringify(op.requestModel)}`;
    if (op.responseModel !== undefined)
      s += `,"response_model":${JSON.stringify(op.responseModel)}`;
    s += `,"stream":${op.stream},"duration_s":${number(round(outcome.durationS))}`;
    if (op.timeToFirstChunkS !== undefined) s += `,"ttft_s":${number(round(op.timeToFirstChunkS))}`;
    if (usage !== undefined) {
      if (usage.inputTokens !== undefined) s += `,"input_tokens":${number(usage.inputTokens)}`;
      if (usage.outputTokens !== undefined) s += `,"output_tokens":${number(usage.outputTokens)}`;
      if (usage.cacheReadInputTokens !== undefined)
        s += `,"cache_read_input_tokens":${number(usage.cacheReadInputTokens)}`;
      if (usage.reasoningOutputTokens !== undefined)
        s += `,"reasoning_output_tokens":${number(usage.reasoningOutputTokens)}`;
    }
    if (outcome.costUsd !== undefined) s += `,"cost_usd":${number(outcome.costUsd)}`;
    if (op.finishReasons !== undefined)
      s += `,"finish_reasons":${JSON.stringify(op.finishReasons)}`;
    if (outcome.errorType !== undefined) s += `,"error_type":${JSON.stringify(outcome.errorType)}`;
    if (outcome.incomplete) s += ',"incomplete":true';
    if (op.inputMessagesJson !== undefined)
      s += `,"input_messages":${JSON.stringify(op.inputMessagesJson)}`;
    if (outcome.outputMessagesJson !== undefined)
      s += `,"output_messages":${JSON.stringify(outcome.outputMessagesJson)}`;
    return s + LINE_END;
  }
}

/**
 * The parts of a pino instance the line needs, through pino's exported
 * symbols; undefined (the line then goes through pino's API) if this pino
 * lacks any of them.
 */
function ownLoggerOf(logger: Logger): OwnLogger | undefined {
  const { streamSym, timeSym, chindingsSym } = pino.symbols;
  const internals = logger as unknown as Record<symbol, unknown>;
  const stream = internals[streamSym] as { write?: (line: string) => unknown } | undefined;
  const time = internals[timeSym];
  const levels = logger.levels?.values;
  if (
    typeof stream?.write !== 'function' ||
    typeof time !== 'function' ||
    typeof internals[chindingsSym] !== 'string' ||
    typeof levels?.info !== 'number' ||
    typeof levels.warn !== 'number'
  ) {
    return undefined;
  }
  return {
    write: (line) => stream.write?.(line),
    time: time as () => string,
    bindings: () => String(internals[chindingsSym] ?? ''),
    levels,
  };
}

/** pino writes a number that is not finite as null. */
function number(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

function round(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}
