import { reportInternalError, setHidden, warnOnce, wrapWithOptions } from '@llmeter/core/internal';
import { CLIENT_SETTINGS, INSTRUMENTED, WRAPPED_METHODS } from './constants';
import type { InstrumentOpenAIOptions } from './types';
import { isWrapped, type Method, wrapMethod } from './wrap';

type Indexable = Record<PropertyKey, unknown>;

/**
 * Instruments an `OpenAI` (or `AzureOpenAI`) client in place and returns the
 * same object: `chat.completions.create` (and through it `.parse()`,
 * `.stream()`, `.runTools()`), `responses.create` (and `.parse()`,
 * `.stream()`), `embeddings.create` and the legacy `completions.create`.
 * Clients made from it with `withOptions()` are instrumented too.
 *
 * Calling it again updates the options and wraps nothing twice; on a client
 * whose classes auto-instrumentation has already patched it only records the
 * options. Never throws.
 */
export function instrumentOpenAI<T>(client: T, options: InstrumentOpenAIOptions = {}): T {
  try {
    if (client === null || typeof client !== 'object') {
      warnOnce('openai.instrument.not-client', 'instrumentOpenAI() expects an OpenAI client');
      return client;
    }
    const target = client as unknown as Indexable;
    setHidden(target, CLIENT_SETTINGS, { ...options });
    if (target[INSTRUMENTED]) return client;
    for (const { path, method, surface } of WRAPPED_METHODS) {
      let resource: unknown = target;
      for (const key of path) resource = (resource as Indexable | undefined)?.[key];
      if (resource === null || typeof resource !== 'object') continue;
      const current = (resource as Indexable)[method];
      // Patched prototype (auto-instrumentation) or already wrapped: one wrapper per call path.
      if (typeof current !== 'function' || isWrapped(current)) continue;
      setHidden(
        resource,
        method,
        wrapMethod(current as Method, surface, () => client),
      );
    }
    wrapWithOptions<InstrumentOpenAIOptions>(target, CLIENT_SETTINGS, instrumentOpenAI);
    setHidden(target, INSTRUMENTED, true);
  } catch (error) {
    reportInternalError('openai.instrument', error);
  }
  return client;
}
