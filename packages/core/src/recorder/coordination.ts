import { type Context, trace } from '@opentelemetry/api';
import { reportInternalError } from '../internal-log';
import { activeInference, type InferenceLink } from './context-keys';

/**
 * Count once: how an LLM call seen by two adapters (the LangChain handler
 * around ChatOpenAI, and the OpenAI adapter instrumenting the client under
 * it) becomes one operation that owns the metrics, with the other one nested
 * under it (its span a child, its measurements handed up through `absorb`).
 *
 * When an adapter starts an operation, `findOuterInference` looks for the
 * operation that already measures this call:
 *
 * 1. **The OTel context.** An operation active in the caller's context (an
 *    adapter that wraps the call: `withLLMCall`, `instrumentOpenAI`) is it.
 * 2. **Observed runs.** A framework whose callbacks observe runs but cannot make
 *    a context active around the SDK call (LangChain) starts its model
 *    operations with an `ObservedRun` (`Recorder.startOperation(start, run)`).
 *    Among the observed runs still open, the one chosen is:
 *    a. in the same caller: its `callerContext` is the very context the SDK
 *       call starts in (rank 0), or has the same active span (rank 1); runs
 *       of any other caller are never chosen;
 *    b. in the same subtree: when the framework can tell which of its runs is
 *       executing in this async context (`RunTree.executing`), a run that has
 *       a parent must sit under that one (a root run may have been invoked with
 *       explicit callbacks from anywhere, so it is not constrained);
 *    c. of those, the first free one: no call matched yet, then one whose
 *       earlier call ended (a retry), then one already serving a call; oldest
 *       first within a rank (model runs reach their SDK call in start order).
 *
 * An observed operation itself looks only at step 1 (the framework parents it
 * by its own run ids), so a second root model run started from the same
 * caller as one still open is not taken for a call inside it. An observed run
 * leaves the set when its operation ends. The set lives on globalThis, so the
 * ESM and CommonJS builds of core share it.
 */

/** A framework's view of its own run tree, for step 2b. */
export interface RunTree {
  /** The run whose code executes in the current async context, if the framework can tell. */
  executing(): string | undefined;
  /** Whether the framework still knows this run. */
  has(runId: string): boolean;
  /** The run's parent, if any. */
  parentOf(runId: string): string | undefined;
}

/** What a framework tells core about a model run it observes. */
export interface ObservedRun {
  readonly runId: string;
  readonly parentId: string | undefined;
  /** The context the code that invoked the model ran in: what an SDK adapter below sees. */
  readonly callerContext: Context;
  readonly tree: RunTree;
}

/** An open observed run, and how many SDK calls it has been matched to. */
interface Candidate {
  readonly run: ObservedRun;
  readonly link: InferenceLink;
  /** Calls matched and not yet ended. */
  active: number;
  /** Calls matched that have ended. */
  served: number;
}

const OBSERVED_KEY = Symbol.for('llmeter.observedInferences');
const holder = globalThis as typeof globalThis & { [OBSERVED_KEY]?: Set<Candidate> };
holder[OBSERVED_KEY] ??= new Set();
const OBSERVED = holder[OBSERVED_KEY];

/** Bound on the walk up a run tree: a cycle in a framework's bookkeeping cannot hang us. */
const MAX_DEPTH = 256;

/**
 * Makes an observed operation findable by step 2; returns what the operation
 * calls when it ends. `absorb` of the returned link is what a nested
 * operation calls, so the run's match counts stay right.
 */
export function observeInference(
  run: ObservedRun,
  operation: InferenceLink,
): { link: InferenceLink; forget(): void } {
  const candidate: Candidate = {
    run,
    active: 0,
    served: 0,
    link: {
      get ended() {
        return operation.ended;
      },
      get context() {
        return operation.context;
      },
      absorb(inner) {
        candidate.active = Math.max(0, candidate.active - 1);
        candidate.served++;
        operation.absorb(inner);
      },
    },
  };
  OBSERVED.add(candidate);
  return { link: candidate.link, forget: () => OBSERVED.delete(candidate) };
}

/** Observed runs open now (for tests). */
export function observedInferenceCount(): number {
  return OBSERVED.size;
}

/**
 * The operation that already measures a call starting in `ctx` (steps 1 and 2;
 * `observed`: the call is itself an observed run, so step 1 only).
 */
export function findOuterInference(ctx: Context, observed = false): InferenceLink | undefined {
  const direct = activeInference(ctx);
  if (direct && !direct.ended) return direct;
  if (observed || OBSERVED.size === 0) return undefined;
  try {
    return chooseObserved(ctx);
  } catch (error) {
    reportInternalError('coordination.observed', error);
    return undefined;
  }
}

function chooseObserved(ctx: Context): InferenceLink | undefined {
  // One executing run per framework tree (in practice one tree: LangChain's).
  const executing = new Map<RunTree, string | undefined>();
  let best: Candidate | undefined;
  let bestRank = Number.POSITIVE_INFINITY;
  for (const candidate of OBSERVED) {
    if (candidate.link.ended) continue;
    const { run } = candidate;
    const caller = run.callerContext === ctx ? 0 : sameSpan(run.callerContext, ctx) ? 1 : -1;
    if (caller < 0) continue;
    if (run.parentId !== undefined) {
      if (!executing.has(run.tree)) executing.set(run.tree, executingRun(run.tree));
      const now = executing.get(run.tree);
      if (now !== undefined && !isWithin(run, now)) continue;
    }
    const use = candidate.active === 0 ? (candidate.served === 0 ? 0 : 1) : 2;
    const rank = caller * 3 + use;
    if (rank < bestRank) {
      best = candidate;
      bestRank = rank;
    }
  }
  if (best) best.active++;
  return best?.link;
}

/** The executing run, when the tree knows it (an unknown one constrains nothing). */
function executingRun(tree: RunTree): string | undefined {
  const id = tree.executing();
  return id !== undefined && tree.has(id) ? id : undefined;
}

function sameSpan(a: Context, b: Context): boolean {
  const span = trace.getSpan(a);
  return span !== undefined && span === trace.getSpan(b);
}

/** True when the run is `ancestorId` or sits under it. */
function isWithin(run: ObservedRun, ancestorId: string): boolean {
  let id: string | undefined = run.runId;
  for (let depth = 0; id !== undefined && depth < MAX_DEPTH; depth++) {
    if (id === ancestorId) return true;
    id = run.tree.parentOf(id);
  }
  return false;
}
