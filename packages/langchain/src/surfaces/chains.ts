import type { WorkflowOperation } from '@llmeter/core';
import { getRecorder } from '@llmeter/core/internal';
import { type Attributes, type Context, context } from '@opentelemetry/api';
import { CONTROL_FLOW_ERRORS, HIDDEN_TAG, LC_ATTR, META } from '../constants';
import { type Run, type RunStore, runById } from '../run-store';
import type { Settings } from '../settings';
import { errorName, readSafely } from '../shared';
import type { ChainRunInfo } from '../types';
import { asRecord, asString, lastId, stringList } from '../util';
import { agentNameOf, startAgentRun } from './agents';

export interface ChainRunStart {
  serialized: unknown;
  runId: string;
  parentRunId: string | undefined;
  tags: unknown;
  metadata: unknown;
  runName: unknown;
}

/**
 * A chain or runnable run: an agent invocation when it is one, else an
 * `invoke_workflow` span. Runs LangSmith hides (LangGraph's `__start__`) and,
 * with `chainSpans: false`, all plain chains get no span but stay in the
 * store, so their children still find their place in the tree.
 */
export function startChainRun(store: RunStore, settings: Settings, start: ChainRunStart): void {
  const startTime = performance.now();
  if (store.isTracked(start.runId)) return;
  const recorder = getRecorder();
  if (!recorder.enabled) return;
  const parentContext = runById(start.parentRunId)?.context ?? context.active();
  const info: ChainRunInfo = readSafely('chainInfo', () => chainInfo(start)) ?? {
    name: undefined,
    className: undefined,
    tags: [],
    metadata: {},
  };
  const { tags, metadata } = info;
  const agentName = agentNameOf(info, settings);
  if (agentName !== undefined) {
    startAgentRun(store, {
      runId: start.runId,
      parentRunId: start.parentRunId,
      parentContext,
      name: agentName,
      metadata,
      startTime,
    });
    return;
  }
  if (!settings.chainSpans || tags.includes(HIDDEN_TAG)) {
    store.add(passthrough(start, parentContext, startTime));
    return;
  }
  const attributes: Attributes = {};
  const node = readSafely('langgraphNode', () => asString(metadata[META.LANGGRAPH_NODE]));
  if (node !== undefined) attributes[LC_ATTR.LANGGRAPH_NODE] = node;
  const workflow = recorder.startWorkflow({
    name: info.name ?? 'chain',
    parentContext,
    attributes,
    startTime,
  });
  store.add(workflowRun(start, workflow, startTime));
}

function chainInfo(start: ChainRunStart): ChainRunInfo {
  const serialized = asRecord(start.serialized);
  const className = lastId(serialized);
  return {
    name: asString(start.runName) ?? asString(serialized.name) ?? className,
    className,
    tags: stringList(start.tags),
    metadata: asRecord(start.metadata),
  };
}

function workflowRun(start: ChainRunStart, workflow: WorkflowOperation, startTime: number): Run {
  return {
    id: start.runId,
    kind: 'chain',
    parentId: start.parentRunId,
    context: workflow.context,
    startedAt: startTime,
    end() {
      workflow.end();
    },
    fail(error) {
      const name = errorName(error);
      if (name !== undefined && CONTROL_FLOW_ERRORS.has(name)) workflow.end();
      else workflow.fail(error);
    },
    evict() {
      workflow.end({ [LC_ATTR.RUN_EVICTED]: true });
    },
  };
}

function passthrough(start: ChainRunStart, parentContext: Context, startTime: number): Run {
  return {
    id: start.runId,
    kind: 'passthrough',
    parentId: start.parentRunId,
    context: parentContext,
    startedAt: startTime,
    end() {},
    fail() {},
    evict() {},
  };
}
