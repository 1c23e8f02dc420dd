import {
  type GenAIMessage,
  type LLMOperation,
  type LLMOperationResult,
  OPERATION,
} from '@llmeter/core';
import { getRecorder } from '@llmeter/core/internal';
import { context } from '@opentelemetry/api';
import { LC_ATTR } from '../constants';
import { LANGCHAIN_RUN_TREE } from '../coordination';
import { toGenAIMessage, toGenAIMessages } from '../messages';
import { detectTarget, type ModelTarget } from '../provider';
import { type Run, type RunStore, runById } from '../run-store';
import { captureOn, type Settings } from '../settings';
import { conversationIdOf, readSafely } from '../shared';
import { asRecord } from '../util';
import { resultOf } from './llm-result';

/** A chat model or LLM run: one `chat`/`text_completion` operation. */
export interface ModelRun extends Run {
  readonly kind: 'llm';
  readonly op: LLMOperation;
}

export interface ModelRunStart {
  serialized: unknown;
  runId: string;
  parentRunId: string | undefined;
  extraParams: unknown;
  metadata: unknown;
  /** Chat messages of the run's one prompt (chat models). */
  messages?: unknown;
  /** Prompt strings (completion LLMs). */
  prompts?: unknown;
}

export function startModelRun(store: RunStore, settings: Settings, start: ModelRunStart): void {
  const startTime = performance.now();
  if (store.isTracked(start.runId)) return;
  const recorder = getRecorder();
  if (!recorder.enabled) return;
  // With awaitHandlers on, this is the context of the code that invoked the
  // model: the root's parent, and what an SDK adapter below will see.
  const callerContext = context.active();
  const parentContext = runById(start.parentRunId)?.context ?? callerContext;
  const chat = start.messages !== undefined;
  const target: ModelTarget = readSafely('detectTarget', () =>
    detectTarget(
      start.serialized,
      start.extraParams,
      start.metadata,
      settings.provider,
      settings.openAIBaseUrl,
    ),
  ) ?? {
    provider: settings.provider ?? 'openai',
    requestModel: undefined,
    serverAddress: undefined,
    serverPort: undefined,
    request: {},
  };
  const capture = captureOn(settings);
  // An observed run: an SDK adapter's call under it is counted once, by core's algorithm.
  const op = recorder.startOperation(
    {
      operation: chat ? OPERATION.CHAT : OPERATION.TEXT_COMPLETION,
      provider: target.provider,
      requestModel: target.requestModel,
      serverAddress: target.serverAddress,
      serverPort: target.serverPort,
      request: target.request,
      conversationId: conversationIdOf(start.metadata),
      startTime,
      parentContext,
      inputMessages: capture ? readSafely('inputMessages', () => inputMessages(start)) : undefined,
      toolDefinitions: capture
        ? readSafely('toolDefinitions', () => toolDefinitions(start.extraParams))
        : undefined,
    },
    {
      runId: start.runId,
      parentId: start.parentRunId,
      callerContext,
      tree: LANGCHAIN_RUN_TREE,
    },
  );
  const run: ModelRun = {
    id: start.runId,
    kind: 'llm',
    parentId: start.parentRunId,
    context: op.context,
    startedAt: startTime,
    op,
    end(output) {
      // A payload that cannot be read still ends the operation: the span and
      // the in-flight gauge must never be left open.
      op.end(
        readSafely<LLMOperationResult>('llmResult', () =>
          resultOf(output, { estimatedUsage: settings.estimatedUsage, capture, chat }),
        ),
      );
    },
    fail(error) {
      op.fail(error);
    },
    evict() {
      op.end({ incomplete: true, attributes: { [LC_ATTR.RUN_EVICTED]: true } });
    },
  };
  store.add(run);
}

function inputMessages(start: ModelRunStart): GenAIMessage[] | undefined {
  if (start.messages !== undefined) return toGenAIMessages(start.messages);
  if (!Array.isArray(start.prompts)) return undefined;
  const out: GenAIMessage[] = [];
  for (const prompt of start.prompts) {
    const message = typeof prompt === 'string' ? { role: 'user', content: prompt } : prompt;
    const converted = toGenAIMessage(message);
    if (converted) out.push(converted);
  }
  return out.length > 0 ? out : undefined;
}

function toolDefinitions(extraParams: unknown): unknown[] | undefined {
  const tools = asRecord(asRecord(extraParams).invocation_params).tools;
  return Array.isArray(tools) && tools.length > 0 ? tools : undefined;
}
