import {
  InstrumentationBase,
  type InstrumentationConfig,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
import { INSTRUMENTATION_NAME, PACKAGE_VERSION, SUPPORTED_VERSIONS } from './constants';
import { patchOpenAIModule, unpatchAll } from './module';
import { setDefaultSettings } from './settings';
import { OPENAI_CALLS } from './traced-call';
import type { InstrumentOpenAIOptions } from './types';

/**
 * Options of `OpenAIInstrumentation`: OpenTelemetry's (`enabled`, default
 * true) and `instrumentOpenAI()`'s, which apply to every client it measures
 * unless `instrumentOpenAI(client, options)` configured that client.
 */
export interface OpenAIInstrumentationConfig
  extends InstrumentationConfig,
    InstrumentOpenAIOptions {}

/**
 * The OpenTelemetry instrumentation of the `openai` package (6.x and 7.x):
 * every client made from a loaded copy of `openai` is measured, with no code
 * at the call sites. Hand it to `init({ instrumentations })`,
 * `registerInstrumentations()` or your own `NodeSDK({ instrumentations })`.
 *
 * `openai` must load after it is enabled: CommonJS `require` is hooked
 * (require-in-the-middle); ES module `import` is hooked only when
 * import-in-the-middle's loader is registered (`node --import
 * @llmeter/openai/register`, or your own `--import` of
 * `@opentelemetry/instrumentation/hook.mjs`). Where neither fits, use
 * `instrumentOpenAI(client)`.
 *
 * The telemetry itself goes through llmeter's recorder (started by `init()`),
 * not through the tracer and meter OpenTelemetry hands instrumentations: that
 * is what keeps its metrics, cost and /metrics identical to every other
 * adapter's. `disable()` restores every patched method, the SDK's `APIPromise`
 * prototype included.
 */
export class OpenAIInstrumentation extends InstrumentationBase<OpenAIInstrumentationConfig> {
  constructor(config: OpenAIInstrumentationConfig = {}) {
    super(INSTRUMENTATION_NAME, PACKAGE_VERSION, config);
  }

  protected init() {
    return new InstrumentationNodeModuleDefinition(
      'openai',
      SUPPORTED_VERSIONS,
      (exports) => {
        patchOpenAIModule(exports);
        return exports;
      },
      () => this.restore(),
    );
  }

  // Called by the base constructor too, before any field of this class exists.
  override setConfig(config: OpenAIInstrumentationConfig = {}): void {
    super.setConfig(config);
    const { provider, captureContent, streamIncludeUsage } = config;
    setDefaultSettings({ provider, captureContent, streamIncludeUsage });
  }

  override disable(): void {
    super.disable();
    // Also what was patched for a module found before (or outside) the hooks.
    this.restore();
  }

  private restore(): void {
    unpatchAll();
    OPENAI_CALLS.promises.restore();
  }
}
