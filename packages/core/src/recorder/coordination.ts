import type { Context } from '@opentelemetry/api';
import { reportInternalError } from '../internal-log';
import { activeInference, type InferenceLink } from './context-keys';

/**
 * Finds the operation that already measures an LLM call, so that a call seen
 * by two adapters (the LangChain handler around ChatOpenAI, and the OpenAI
 * adapter under it) is counted once and its spans nest.
 *
 * The OTel context is the first place to look. Frameworks whose callbacks cannot
 * make a context active around the call (LangChain's handlers observe, they do
 * not wrap) register a resolver that finds their current run by their own
 * means. Resolvers live on globalThis so the ESM and CJS builds share them.
 */
export type OuterInferenceResolver = (ctx: Context) => InferenceLink | undefined;

const RESOLVERS_KEY = Symbol.for('llmeter.outerInferenceResolvers');
const holder = globalThis as typeof globalThis & { [RESOLVERS_KEY]?: Set<OuterInferenceResolver> };

function resolvers(): Set<OuterInferenceResolver> {
  holder[RESOLVERS_KEY] ??= new Set();
  return holder[RESOLVERS_KEY];
}

/** Adds a resolver; returns the function that removes it. */
export function registerOuterInferenceResolver(resolver: OuterInferenceResolver): () => void {
  resolvers().add(resolver);
  return () => resolvers().delete(resolver);
}

export function findOuterInference(ctx: Context): InferenceLink | undefined {
  const direct = activeInference(ctx);
  if (direct && !direct.ended) return direct;
  for (const resolve of resolvers()) {
    try {
      const found = resolve(ctx);
      if (found && !found.ended) return found;
    } catch (error) {
      reportInternalError('coordination.resolver', error);
    }
  }
  return undefined;
}
