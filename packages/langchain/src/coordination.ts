import type { LLMOperation } from '@llmeter/core';
import { registerOuterInferenceResolver } from '@llmeter/core';
import { type Context, trace } from '@opentelemetry/api';
import { LC_ALS_KEY, LC_CHILD_CONFIG_KEY } from './constants';
import { runById } from './run-store';

/**
 * How a LangChain model run and an SDK adapter under it (`@llmeter/openai`
 * instrumenting the OpenAI client that ChatOpenAI calls) count one call once.
 *
 * The SDK adapter starts its operation in the active OpenTelemetry context.
 * LangChain handlers observe runs but cannot make a context active around the
 * model's SDK call, so core asks registered resolvers for the operation that
 * already measures the call. This one answers with the LangChain model run
 * executing in the caller's async context:
 *
 * 1. Same caller: with `awaitHandlers` on, `handleChatModelStart` runs inside
 *    the async context of the code that invoked the model, and nothing in
 *    LangChain changes the OpenTelemetry context between there and the SDK
 *    call, so the SDK adapter sees the very Context object the run recorded at
 *    its start (same active span as a looser fallback).
 * 2. Same subtree: where LangChain has put a runnable config in its own
 *    AsyncLocalStorage (`globalThis[Symbol.for('ls:tracing_async_local_storage')]`,
 *    store `.extra[Symbol.for('lc:child_config')]`, set by `runWithConfig` in
 *    RunnableLambda, tools and LangGraph nodes), its callbacks' parent run is
 *    the runnable now executing; a model run elsewhere in the tree (say, one
 *    awaiting its response while a tool makes its own SDK call) is not it.
 * 3. Among what remains, a run no SDK call has been matched to yet wins, the
 *    oldest first (model runs reach their SDK call in the order they start);
 *    then one whose earlier call ended (a retry).
 */

interface OuterInference {
  readonly ended: boolean;
  readonly context: Context;
  absorb(inner: unknown): void;
}

type CoreOperation = LLMOperation & { readonly ended?: boolean; absorb?(inner: unknown): void };

export interface LiveInference {
  readonly runId: string;
  readonly parentId: string | undefined;
  readonly callerContext: Context;
  /** SDK calls matched to this run and not yet ended. */
  active: number;
  /** SDK calls matched to this run that have ended. */
  served: number;
  readonly link: OuterInference;
}

const live = new Set<LiveInference>();
let registered = false;
/** True while this package starts its own model operation: those find their parent by run id. */
let ownStart = false;

/**
 * Runs `start` with the resolver silenced. Without this, a second root model
 * run started from the same caller as one still open would be taken for a
 * call inside it.
 */
export function withoutResolver<T>(start: () => T): T {
  ownStart = true;
  try {
    return start();
  } finally {
    ownStart = false;
  }
}

/** Model runs open now, across handlers (for tests). */
export function liveInferenceCount(): number {
  return live.size;
}

/** Makes a model run findable by SDK adapters; undefined when llmeter is off (a no-op operation). */
export function trackInference(
  runId: string,
  parentId: string | undefined,
  callerContext: Context,
  operation: LLMOperation,
): LiveInference | undefined {
  const op = operation as CoreOperation;
  if (typeof op.absorb !== 'function') return undefined;
  ensureResolver();
  const entry: LiveInference = {
    runId,
    parentId,
    callerContext,
    active: 0,
    served: 0,
    link: {
      get ended() {
        return op.ended === true;
      },
      get context() {
        return op.context;
      },
      absorb(inner: unknown) {
        entry.active = Math.max(0, entry.active - 1);
        entry.served++;
        op.absorb?.(inner);
      },
    },
  };
  live.add(entry);
  return entry;
}

export function untrackInference(entry: LiveInference | undefined): void {
  if (entry) live.delete(entry);
}

function resolveOuterInference(ctx: Context): OuterInference | undefined {
  if (ownStart || live.size === 0) return undefined;
  const executing = executingLangChainRun();
  const constrained = executing !== undefined && runById(executing) !== undefined;
  let best: LiveInference | undefined;
  let bestRank = Number.POSITIVE_INFINITY;
  for (const entry of live) {
    if (entry.link.ended) continue;
    const sameCaller =
      entry.callerContext === ctx ? 0 : sameSpan(entry.callerContext, ctx) ? 1 : -1;
    if (sameCaller < 0) continue;
    // A root model run may have been invoked with explicit callbacks from inside
    // any runnable, so only runs with a parent must sit under the executing one.
    if (constrained && entry.parentId !== undefined && !isWithin(entry, executing)) continue;
    const use = entry.active === 0 ? (entry.served === 0 ? 0 : 1) : 2;
    const rank = sameCaller * 3 + use;
    if (rank < bestRank) {
      best = entry;
      bestRank = rank;
    }
  }
  if (best) best.active++;
  return best?.link;
}

function sameSpan(a: Context, b: Context): boolean {
  const span = trace.getSpan(a);
  return span !== undefined && span === trace.getSpan(b);
}

/** True when the run is `ancestorId` or sits under it (bounded walk up the run index). */
function isWithin(entry: LiveInference, ancestorId: string): boolean {
  let id: string | undefined = entry.runId;
  for (let depth = 0; id !== undefined && depth < 256; depth++) {
    if (id === ancestorId) return true;
    id = runById(id)?.parentId;
  }
  return false;
}

/** The run whose runnable is executing in this async context, per LangChain's AsyncLocalStorage. */
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

function ensureResolver(): void {
  if (registered) return;
  registered = true;
  // The resolver costs one Set size check when no model run is open, so it stays for the process.
  registerOuterInferenceResolver(resolveOuterInference);
}
