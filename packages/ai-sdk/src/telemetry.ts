import { getRecorder, reportInternalError } from '@llmeter/core/internal';
import { context } from '@opentelemetry/api';
import type { Telemetry } from 'ai';
import { CallRecord, closeCall, findCall, openCall } from './calls';
import { AGENT_OPERATIONS, EMBED_OPERATIONS, ERROR_TYPE } from './constants';
import { errorTypeOf } from './parse/errors';
import { type Json, obj, str } from './parse/values';
import { providerName } from './settings';
import { onEmbedEnd, onEmbedStart } from './surfaces/embed';
import { executeLanguageModelCall, onLanguageModelCallEnd } from './surfaces/model-call';
import { onObjectStepEnd, onObjectStepStart } from './surfaces/object';
import { executeTool, onToolExecutionEnd, onToolExecutionStart } from './surfaces/tools';
import type { LLMeterTelemetryOptions } from './types';

type Execute<T> = { execute: () => PromiseLike<T> } & Record<string, unknown>;

/**
 * llmeter as an AI SDK telemetry integration (the `Telemetry` interface of
 * `ai` 7). The AI SDK calls these methods around each of its operations; each
 * one records through core's recorder and never throws (the AI SDK also
 * catches what an integration throws, but llmeter does not rely on it).
 */
export class LLMeterTelemetry implements Telemetry {
  /** False once switched off: every method then does nothing and every execute passes straight through. */
  active = true;

  constructor(public options: LLMeterTelemetryOptions = {}) {}

  onStart(event: unknown): void {
    this.safely('ai-sdk.onStart', event, (e) => this.startCall(e));
  }

  onLanguageModelCallEnd(event: unknown): void {
    this.safely('ai-sdk.onLanguageModelCallEnd', event, (e) =>
      onLanguageModelCallEnd(e, this.options),
    );
  }

  onObjectStepStart(event: unknown): void {
    this.safely('ai-sdk.onObjectStepStart', event, (e) => onObjectStepStart(e, this.options, this));
  }

  onObjectStepEnd(event: unknown): void {
    this.safely('ai-sdk.onObjectStepEnd', event, (e) => onObjectStepEnd(e, this.options, this));
  }

  onEmbedStart(event: unknown): void {
    this.safely('ai-sdk.onEmbedStart', event, (e) => onEmbedStart(e, this.options, this));
  }

  onEmbedEnd(event: unknown): void {
    this.safely('ai-sdk.onEmbedEnd', event, (e) => onEmbedEnd(e, this));
  }

  onToolExecutionStart(event: unknown): void {
    this.safely('ai-sdk.onToolExecutionStart', event, (e) =>
      onToolExecutionStart(e, this.options, this),
    );
  }

  onToolExecutionEnd(event: unknown): void {
    this.safely('ai-sdk.onToolExecutionEnd', event, (e) =>
      onToolExecutionEnd(e, this.options, this),
    );
  }

  onEnd(event: unknown): void {
    this.safely('ai-sdk.onEnd', event, (e) => {
      if (this.ownCall(e)) closeCall(e.callId, undefined, undefined);
    });
  }

  onAbort(event: unknown): void {
    this.safely('ai-sdk.onAbort', event, (e) => {
      if (this.ownCall(e)) closeCall(e.callId, e.reason, ERROR_TYPE.ABORTED);
    });
  }

  onError(event: unknown): void {
    this.safely('ai-sdk.onError', event, (e) => {
      if (this.ownCall(e)) closeCall(e.callId, e.error, errorTypeOf(e.error));
    });
  }

  executeLanguageModelCall<T>(options: Execute<T>): PromiseLike<T> {
    if (!this.active) return options.execute();
    return executeLanguageModelCall(options, this.options, this);
  }

  executeTool<T>(options: Execute<T>): PromiseLike<T> {
    if (!this.active) return options.execute();
    return executeTool(options);
  }

  private startCall(event: Json): void {
    const callId = str(event.callId);
    const operationId = str(event.operationId);
    if (!callId || !operationId || findCall(callId)) return; // a second llmeter integration: counted once
    const recorder = getRecorder();
    if (!recorder.enabled) return;
    const parent = context.active();
    const stream = operationId.startsWith('ai.stream');
    if (AGENT_OPERATIONS.has(operationId)) {
      const agent = recorder.startAgent({
        name: str(event.functionId) ?? this.options.agentName ?? operationId,
        provider: providerName(event.provider, this.options),
        requestModel: str(event.modelId),
        parentContext: parent,
      });
      openCall(callId, new CallRecord(this, agent, agent.context, stream));
    } else if (EMBED_OPERATIONS.has(operationId)) {
      const workflow = recorder.startWorkflow({
        name: str(event.functionId) ?? operationId,
        parentContext: parent,
      });
      openCall(callId, new CallRecord(this, workflow, workflow.context, false));
    }
  }

  private ownCall(event: Json): boolean {
    return findCall(event.callId)?.owner === this;
  }

  private safely(site: string, event: unknown, fn: (event: Json) => unknown): void {
    if (!this.active) return;
    try {
      const e = obj(event);
      if (e) fn(e);
    } catch (error) {
      reportInternalError(site, error);
    }
  }
}

/**
 * llmeter's AI SDK telemetry integration, for one call or a few:
 * `generateText({ ..., telemetry: { integrations: [llmeterTelemetry()] } })`.
 * (Per-call integrations replace the globally registered ones for that call.)
 */
export function llmeterTelemetry(options: LLMeterTelemetryOptions = {}): LLMeterTelemetry {
  return new LLMeterTelemetry({ ...options });
}
