import type { AgentOperation } from '@llmeter/core';
import { getRecorder, reportInternalError } from '@llmeter/core/internal';
import type { Context } from '@opentelemetry/api';
import {
  AGENT_EXECUTOR_CLASSES,
  CONTROL_FLOW_ERRORS,
  CREATE_AGENT_INTEGRATION,
  DEFAULT_GRAPH_NAME,
  GRAPH_CLASSES,
  LC_ATTR,
  LC_EVENT,
  META,
} from '../constants';
import { type Run, type RunStore, runById } from '../run-store';
import type { Settings } from '../settings';
import { conversationIdOf, errorName } from '../shared';
import type { ChainRunInfo } from '../types';
import { asRecord, asString } from '../util';

/**
 * Which chain runs are agent invocations. In LangChain.js agents are chains:
 *
 * - langchain v1 `createAgent`: the LangGraph graph run whose metadata has
 *   `ls_integration: 'langchain_create_agent'`; named by `lc_agent_name`
 *   (`createAgent({ name })`). Its nodes inherit that metadata but are not
 *   graphs, so only the graph run itself qualifies.
 * - LangGraph (`createReactAgent`, any compiled `StateGraph`): the graph run
 *   (`serialized.id` ending in `CompiledStateGraph`/`CompiledGraph`/`Pregel`),
 *   named by the graph's name, unless `langGraphAgents: false`. A subgraph run
 *   as a node is a nested agent.
 * - Classic `AgentExecutor` runs.
 * - Runs named in `agentRunNames`, and whatever `isAgentRun` decides first.
 *
 * Returns the agent name, or undefined for an ordinary chain.
 */
export function agentNameOf(info: ChainRunInfo, settings: Settings): string | undefined {
  if (settings.isAgentRun) {
    try {
      const decided = settings.isAgentRun(info);
      if (typeof decided === 'string' && decided.length > 0) return decided;
      if (decided === true) return displayName(info, settings);
      if (decided === false) return undefined;
    } catch (error) {
      reportInternalError('langchain.isAgentRun', error);
    }
  }
  const graph = info.className !== undefined && GRAPH_CLASSES.has(info.className);
  if (graph && info.metadata[META.LS_INTEGRATION] === CREATE_AGENT_INTEGRATION) {
    return asString(info.metadata[META.LC_AGENT_NAME]) ?? displayName(info, settings);
  }
  if (info.name !== undefined && settings.agentRunNames.has(info.name)) return info.name;
  if (info.className !== undefined && AGENT_EXECUTOR_CLASSES.has(info.className)) {
    return displayName(info, settings);
  }
  if (graph && settings.langGraphAgents) return displayName(info, settings);
  return undefined;
}

/** The run name, unless it is only the class or LangGraph's default. */
function displayName(info: ChainRunInfo, settings: Settings): string {
  const name = info.name;
  return name && name !== DEFAULT_GRAPH_NAME && name !== info.className ? name : settings.agentName;
}

export interface AgentRun extends Run {
  readonly kind: 'agent';
  readonly agent: AgentOperation;
}

export function startAgentRun(
  store: RunStore,
  start: {
    runId: string;
    parentRunId: string | undefined;
    parentContext: Context;
    name: string;
    metadata: unknown;
    startTime: number;
  },
): void {
  const agent = getRecorder().startAgent({
    name: start.name,
    parentContext: start.parentContext,
    conversationId: conversationIdOf(start.metadata),
    startTime: start.startTime,
  });
  const run: AgentRun = {
    id: start.runId,
    kind: 'agent',
    parentId: start.parentRunId,
    context: agent.context,
    startedAt: start.startTime,
    agent,
    end() {
      agent.end();
    },
    fail(error) {
      // An interrupt (human in the loop) pauses the agent; it did not fail.
      const name = errorName(error);
      if (name !== undefined && CONTROL_FLOW_ERRORS.has(name)) agent.end();
      else agent.fail(error);
    },
    evict() {
      agent.span.setAttribute(LC_ATTR.RUN_EVICTED, true);
      agent.end();
    },
  };
  store.add(run);
}

/** Nearest agent run at or above `runId`. */
function agentAt(runId: unknown): AgentRun | undefined {
  let run = typeof runId === 'string' ? runById(runId) : undefined;
  for (let depth = 0; run !== undefined && depth < 256; depth++) {
    if (run.kind === 'agent') return run as AgentRun;
    run = runById(run.parentId);
  }
  return undefined;
}

/**
 * Classic AgentExecutor callbacks. Tool and model calls count themselves (they
 * start inside the agent's context); the action and finish become span events.
 */
export function agentAction(runId: unknown, action: unknown): void {
  const agent = agentAt(runId);
  if (!agent) return;
  const tool = asString(asRecord(action).tool);
  agent.agent.span.addEvent(LC_EVENT.AGENT_ACTION, tool ? { 'gen_ai.tool.name': tool } : {});
}

export function agentFinish(runId: unknown): void {
  agentAt(runId)?.agent.span.addEvent(LC_EVENT.AGENT_FINISH);
}
