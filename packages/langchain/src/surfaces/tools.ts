import { getRecorder, parseToolArguments } from '@llmeter/core/internal';
import { context } from '@opentelemetry/api';
import { LC_ATTR } from '../constants';
import { textOf } from '../messages';
import { type Run, type RunStore, runById } from '../run-store';
import { captureOn, type Settings } from '../settings';
import { readSafely } from '../shared';
import { asRecord, asString, lastId } from '../util';

export interface ToolRunStart {
  serialized: unknown;
  input: unknown;
  runId: string;
  parentRunId: string | undefined;
  runName: unknown;
  toolCallId: unknown;
}

/** A tool run: an `execute_tool` span and `gen_ai.execute_tool.duration` (core counts it for the agent). */
export function startToolRun(store: RunStore, settings: Settings, start: ToolRunStart): void {
  const startTime = performance.now();
  if (store.isTracked(start.runId)) return;
  const recorder = getRecorder();
  if (!recorder.enabled) return;
  const parentContext = runById(start.parentRunId)?.context ?? context.active();
  const serialized = asRecord(start.serialized);
  const capture = captureOn(settings);
  const tool = recorder.startTool({
    name:
      readSafely(
        'toolName',
        () => asString(start.runName) ?? asString(serialized.name) ?? lastId(serialized),
      ) ?? 'tool',
    callId: asString(start.toolCallId),
    type: 'function',
    description: readSafely('toolDescription', () =>
      asString(asRecord(serialized.kwargs).description),
    ),
    arguments: capture ? readArguments(start.input) : undefined,
    parentContext,
    startTime,
  });
  const run: Run = {
    id: start.runId,
    kind: 'tool',
    parentId: start.parentRunId,
    context: tool.context,
    startedAt: startTime,
    end(output) {
      tool.end(capture ? readSafely('toolResult', () => toolResult(output)) : undefined);
    },
    fail(error) {
      tool.fail(error);
    },
    evict() {
      tool.span.setAttribute(LC_ATTR.RUN_EVICTED, true);
      tool.end();
    },
  };
  store.add(run);
}

function readArguments(input: unknown): unknown {
  // LangChain passes tool input as a string, JSON for structured tools.
  return readSafely('toolArguments', () => parseToolArguments(input));
}

/** A ToolMessage's content, or the raw output; LangGraph `Command`s and other objects as they are. */
function toolResult(output: unknown): unknown {
  if (typeof output === 'string') return output;
  const o = asRecord(output);
  if ('content' in o) return textOf(o.content) ?? o.content;
  return output;
}
