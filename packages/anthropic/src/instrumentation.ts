import { reportInternalError, warnOnce } from '@llmeter/core/internal';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
import {
  INSTRUMENTATION_NAME,
  INSTRUMENTATION_VERSION,
  MODULE_NAME,
  PATCHES,
  RESOURCES,
  SUPPORTED_VERSIONS,
  WRAPPED,
  WRAPPED_METHODS,
} from './constants';
import { ANTHROPIC_CALLS } from './traced-call';
import type { AnthropicInstrumentationConfig } from './types';
import { isWrapped, type Method, resourceClient, wrapCreate, wrapStream } from './wrap';

type Indexable = Record<PropertyKey, unknown>;
interface Patch {
  proto: Indexable;
  method: string;
  original: unknown;
}

/** On globalThis: the ESM and CommonJS builds of this package share one list of patches. */
const holder = globalThis as typeof globalThis & { [PATCHES]?: Patch[] };

/**
 * Auto-instrumentation of `@anthropic-ai/sdk` (SUPPORTED_VERSIONS), the
 * OpenTelemetry way: hand it to `init({ instrumentations })`,
 * `registerInstrumentations()` or a `NodeSDK`. When the SDK loads (`require`,
 * or `import` with OpenTelemetry's ESM loader hook registered), the
 * `create` and `stream` methods of its `Messages` and `Beta.Messages`
 * classes are patched on their prototypes, so every client is measured;
 * `disable()` restores every method it patched. A copy of the SDK loaded
 * before `enable()` is not seen: use `instrumentAnthropic(client)` for it.
 */
export class AnthropicInstrumentation extends InstrumentationBase<AnthropicInstrumentationConfig> {
  constructor(config: AnthropicInstrumentationConfig = {}) {
    super(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION, config);
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        MODULE_NAME,
        SUPPORTED_VERSIONS,
        (exports) => {
          this.patchModule(exports);
          return exports;
        },
        () => restore(),
      ),
    ];
  }

  override disable(): void {
    super.disable();
    // Also what was patched for a copy the hooks did not report (both builds share the list).
    restore();
  }

  /** Patches the classes of one loaded copy of the SDK; what the module hooks call. */
  private patchModule(exports: unknown): void {
    try {
      const Anthropic = clientClass(exports);
      if (!Anthropic) {
        warnOnce(
          'anthropic.module-shape',
          `${MODULE_NAME} loaded without an Anthropic class: not instrumented`,
        );
        return;
      }
      const active = () => this.isEnabled();
      for (const { classPath } of RESOURCES) {
        let cls: unknown = Anthropic;
        for (const key of classPath) cls = (cls as Indexable | undefined)?.[key];
        if (typeof cls !== 'function') continue;
        const proto = cls.prototype as Indexable;
        for (const method of WRAPPED_METHODS) {
          const wrap = method === 'create' ? wrapCreate : wrapStream;
          patchPrototype(proto, method, (original) => wrap(original, resourceClient, active));
        }
      }
    } catch (error) {
      reportInternalError('anthropic.patchModule', error);
    }
  }
}

function clientClass(exports: unknown): Indexable | undefined {
  const m = exports as Indexable | undefined;
  for (const c of [m?.Anthropic, (m?.default as Indexable | undefined)?.Anthropic, m?.default]) {
    if (typeof c === 'function' && typeof (c as unknown as Indexable).Messages === 'function') {
      return c as unknown as Indexable;
    }
  }
  return undefined;
}

/** Wraps `proto[method]` once, whichever build of this package gets there first. */
function patchPrototype(
  proto: Indexable,
  method: string,
  wrap: (original: Method) => Method,
): void {
  const original = proto[method];
  if (typeof original !== 'function' || isWrapped(original)) return;
  const descriptor = Object.getOwnPropertyDescriptor(proto, method);
  Object.defineProperty(proto, method, {
    value: wrap(original as Method),
    writable: descriptor?.writable ?? true,
    enumerable: descriptor?.enumerable ?? false,
    configurable: true,
  });
  holder[PATCHES] ??= [];
  holder[PATCHES].push({ proto, method, original });
}

function restore(): void {
  unpatchAll();
  ANTHROPIC_CALLS.promises.restore();
}

/** Restores every patched method that still holds llmeter's wrapper. */
function unpatchAll(): void {
  for (const { proto, method, original } of (holder[PATCHES] ?? []).splice(0)) {
    if ((proto[method] as Method | undefined)?.[WRAPPED] === original) {
      Object.defineProperty(proto, method, {
        value: original,
        writable: true,
        enumerable: false,
        configurable: true,
      });
    }
  }
}
