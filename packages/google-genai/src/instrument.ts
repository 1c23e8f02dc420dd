import { reportInternalError, setHidden, warnOnce } from '@llmeter/core/internal';
import { CLIENT_SETTINGS, INSTRUMENTED } from './constants';
import type { InstrumentGoogleGenAIOptions } from './types';
import { isWrapped, type Method, methodsOf, wrapMethod } from './wrap';

type Indexable = Record<PropertyKey, unknown>;

/**
 * Instruments a `GoogleGenAI` client in place and returns the same object:
 * `models.generateContent`, `models.generateContentStream`,
 * `models.embedContent`, and the chats made from it
 * (`chats.create().sendMessage` / `sendMessageStream`), which call the same
 * `models`. One operation per model request: a call that automatic function
 * calling or automatic continuation turns into several requests records
 * each of them.
 *
 * Calling it again updates the options and wraps nothing twice; on a client
 * whose `Models` class `GoogleGenAIInstrumentation` has already patched it
 * only records the options. Never throws.
 */
export function instrumentGoogleGenAI<T>(client: T, options: InstrumentGoogleGenAIOptions = {}): T {
  try {
    const models = (client as { models?: unknown } | null | undefined)?.models;
    if (models === null || typeof models !== 'object') {
      warnOnce(
        'google-genai.instrument.not-client',
        'instrumentGoogleGenAI() expects a GoogleGenAI client',
      );
      return client;
    }
    const target = models as Indexable;
    setHidden(target, CLIENT_SETTINGS, { ...options });
    if (target[INSTRUMENTED]) return client;
    for (const { name, surface } of methodsOf(target)) {
      const current = target[name];
      // A patched prototype (auto-instrumentation) already measures it: one wrapper per call path.
      if (isWrapped(current)) continue;
      // An own property on the instance shadows the prototype's method, which the SDK calls as `this.<name>()`.
      setHidden(target, name, wrapMethod(current as Method, surface));
    }
    setHidden(target, INSTRUMENTED, true);
  } catch (error) {
    reportInternalError('google-genai.instrument', error);
  }
  return client;
}
