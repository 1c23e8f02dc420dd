import { type Attributes, type Context, context, type Span, SpanKind } from '@opentelemetry/api';
import { ATTR, OPERATION } from '../constants';
import { failSpan, errorType as resolveErrorType } from '../failure';
import { reportInternalError } from '../internal-log';
import * as clean from '../sanitize';
import type { ToolOperation, ToolStart } from '../types';
import { activeAgent, TOOL_KEY, type ToolLink } from './context-keys';
import { operationContext } from './operation-context';
import { epochMs, exemplarOf, type RecorderDeps, setDefined, startSpan } from './shared';

/** One tool execution: an `execute_tool` span and `gen_ai.execute_tool.duration`. */
export class ToolExecution implements ToolOperation, ToolLink {
  readonly span: Span;
  readonly context: Context;
  private ended = false;
  private readonly name: string;
  private readonly startTime: number;

  constructor(
    private readonly deps: RecorderDeps,
    start: ToolStart,
  ) {
    const parent = start.parentContext ?? context.active();
    this.name = clean.name(start.name) ?? 'unknown_tool';
    this.startTime = clean.finiteNumber(start.startTime) ?? performance.now();
    const attrs: Attributes = {
      [ATTR.OPERATION_NAME]: OPERATION.EXECUTE_TOOL,
      [ATTR.TOOL_NAME]: this.name,
    };
    setDefined(attrs, ATTR.TOOL_CALL_ID, clean.id(start.callId));
    setDefined(attrs, ATTR.TOOL_TYPE, clean.name(start.type) ?? 'function');
    setDefined(attrs, ATTR.TOOL_DESCRIPTION, clean.name(start.description));
    this.span = startSpan(
      deps,
      `${OPERATION.EXECUTE_TOOL} ${this.name}`,
      { kind: SpanKind.INTERNAL, attributes: attrs, startTime: epochMs(this.startTime) },
      parent,
    );
    this.context = operationContext(parent, this.span, TOOL_KEY, this);
    activeAgent(parent)?.countToolCall();
    if (this.span.isRecording() && start.arguments !== undefined) {
      setDefined(
        attrs,
        ATTR.TOOL_CALL_ARGUMENTS,
        deps.content.value(start.arguments, 'assistant', 'arguments'),
      );
      this.span.setAttributes(attrs);
    }
  }

  get toolEnded(): boolean {
    return this.ended;
  }

  end(result?: unknown): void {
    this.finish(undefined, undefined, result);
  }

  fail(error: unknown, errorType?: string): void {
    this.finish(error, resolveErrorType(error, errorType), undefined);
  }

  private finish(error: unknown, errorType: string | undefined, result: unknown): void {
    if (this.ended) return;
    this.ended = true;
    const endTime = performance.now();
    try {
      if (this.span.isRecording()) {
        if (result !== undefined) {
          const value = this.deps.content.value(result, 'tool', 'result');
          if (value !== undefined) this.span.setAttribute(ATTR.TOOL_CALL_RESULT, value);
        }
        if (errorType !== undefined) failSpan(this.span, error, errorType);
      }
      const attrs: Attributes = { [ATTR.TOOL_NAME]: this.name };
      if (errorType !== undefined) attrs[ATTR.ERROR_TYPE] = errorType;
      this.deps.metrics?.record(
        'executeToolDuration',
        Math.max(0, endTime - this.startTime) / 1000,
        attrs,
        exemplarOf(this.span),
      );
    } catch (e) {
      reportInternalError('tool.end', e);
    } finally {
      this.span.end(epochMs(endTime));
    }
  }
}
