import type { RunTree } from '@llmeter/core/internal';
import { LC_ALS_KEY, LC_CHILD_CONFIG_KEY } from './constants';
import { runById } from './run-store';

/**
 * LangChain's run tree as core's count-once algorithm sees it
 * (packages/core/src/recorder/coordination.ts holds the algorithm; model runs
 * are started there as observed runs, see llm.ts).
 *
 * The one LangChain internal read here is the runnable config LangChain keeps
 * in its own AsyncLocalStorage (`globalThis[Symbol.for('ls:tracing_async_local_storage')]`,
 * store `.extra[Symbol.for('lc:child_config')]`, set by `runWithConfig` in
 * RunnableLambda, tools and LangGraph nodes). Its callbacks' parent run is the
 * runnable executing in this async context, which tells a model run in this
 * subtree from one elsewhere in the tree (say, one awaiting its response while
 * a tool makes its own SDK call). LangChain has no public API for it: a
 * callback handler observes runs, it never runs inside them. When the slot is
 * missing or changes shape, `executing()` answers undefined and core falls back
 * to matching by caller context alone.
 */
export const LANGCHAIN_RUN_TREE: RunTree = {
  executing: executingLangChainRun,
  has: (runId) => runById(runId) !== undefined,
  parentOf: (runId) => runById(runId)?.parentId,
};

function executingLangChainRun(): string | undefined {
  try {
    const als = (globalThis as Record<symbol, unknown>)[LC_ALS_KEY] as
      | { getStore?: () => unknown }
      | undefined;
    const store = als?.getStore?.() as { extra?: Record<symbol, unknown> } | undefined;
    const config = store?.extra?.[LC_CHILD_CONFIG_KEY] as { callbacks?: unknown } | undefined;
    const callbacks = config?.callbacks as { getParentRunId?: () => unknown } | undefined;
    const id =
      typeof callbacks?.getParentRunId === 'function' ? callbacks.getParentRunId() : undefined;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
