import type { Logger } from 'pino';
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

/** Writes the one `llm_call_completed` line per operation. */
export class OperationLog {
  constructor(private readonly logger: Logger) {}

  inference(op: LoggedOperation, outcome: LoggedOutcome): void {
    const level = outcome.errorType === undefined ? 'info' : 'warn';
    if (!this.logger.isLevelEnabled(level)) return;
    const ctx = op.span.spanContext();
    const usage = op.usage;
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
}

function round(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}
