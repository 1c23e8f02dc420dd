import { reportInternalError, setHidden, warnOnce, wrapWithOptions } from '@llmeter/core/internal';
import { CLIENT_SETTINGS, INSTRUMENTED, RESOURCES } from './constants';
import type { InstrumentAnthropicOptions } from './types';
import { isWrapped, type Method, wrapCreate, wrapStream } from './wrap';

type Indexable = Record<PropertyKey, unknown>;

const always = () => true;

/**
 * Instruments an `Anthropic` client (or `AnthropicBedrock`, `AnthropicVertex`)
 * in place and returns the same object: `messages.create` and
 * `beta.messages.create`, and through them `messages.stream()`,
 * `messages.parse()` and the beta tool runner. The SDK's own span of each
 * messages call is replaced by llmeter's (see docs/adapters/anthropic.md).
 * Clients made from it with `withOptions()` are instrumented too.
 *
 * Calling it again updates the options and wraps nothing twice; on a client
 * whose classes `AnthropicInstrumentation` has patched it only records the
 * options. Never throws.
 */
export function instrumentAnthropic<T>(client: T, options: InstrumentAnthropicOptions = {}): T {
  try {
    if (client === null || typeof client !== 'object') {
      warnOnce(
        'anthropic.instrument.not-client',
        'instrumentAnthropic() expects an Anthropic client',
      );
      return client;
    }
    const target = client as unknown as Indexable;
    setHidden(target, CLIENT_SETTINGS, { ...options });
    if (target[INSTRUMENTED]) return client;
    const clientOf = () => client;
    for (const { path } of RESOURCES) {
      let resource: unknown = target;
      for (const key of path) resource = (resource as Indexable | undefined)?.[key];
      if (resource === null || typeof resource !== 'object') continue;
      const res = resource as Indexable;
      // A patched prototype (auto-instrumentation) or an earlier wrap: one wrapper per call path.
      if (typeof res.create === 'function' && !isWrapped(res.create)) {
        setHidden(res, 'create', wrapCreate(res.create as Method, clientOf, always));
      }
      if (typeof res.stream === 'function' && !isWrapped(res.stream)) {
        setHidden(res, 'stream', wrapStream(res.stream as Method, clientOf, always));
      }
    }
    wrapWithOptions<InstrumentAnthropicOptions>(target, CLIENT_SETTINGS, instrumentAnthropic);
    setHidden(target, INSTRUMENTED, true);
  } catch (error) {
    reportInternalError('anthropic.instrument', error);
  }
  return client;
}
