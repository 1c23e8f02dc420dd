import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
import {
  INSTRUMENTATION_NAME,
  INSTRUMENTATION_VERSION,
  MODULE_NAME,
  SUPPORTED_VERSIONS,
} from './constants';
import { patchModule, unpatchModule } from './module';
import type { GoogleGenAIInstrumentationConfig } from './types';

/**
 * The standard OpenTelemetry instrumentation of `@google/genai`, for
 * `init({ instrumentations })`, `registerInstrumentations()` or an
 * application's own `NodeSDK({ instrumentations })`: patches the `Models`
 * class of every copy of `@google/genai` (versions `>=1.0.0 <4`) loaded after
 * it is enabled (CommonJS through `require-in-the-middle`; ES modules through
 * `import-in-the-middle` under `node --experimental-loader=@opentelemetry/instrumentation/hook.mjs`),
 * and the `module`
 * given in the config. `disable()` restores every patched method.
 *
 * What is measured is the same as `instrumentGoogleGenAI(client)`, which
 * needs no patching; use one or the other (together they still count once).
 * Telemetry goes through llmeter's recorder, not this instrumentation's tracer.
 */
export class GoogleGenAIInstrumentation extends InstrumentationBase<GoogleGenAIInstrumentationConfig> {
  constructor(config: GoogleGenAIInstrumentationConfig = {}) {
    super(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION, config);
  }

  /** Name in llmeter's own diagnostics when handed to `init({ instrumentations })`. */
  get name(): string {
    return INSTRUMENTATION_NAME;
  }

  protected init(): InstrumentationNodeModuleDefinition {
    return new InstrumentationNodeModuleDefinition(
      MODULE_NAME,
      [SUPPORTED_VERSIONS],
      (exports) => {
        patchModule(exports);
        return exports;
      },
      (exports) => {
        if (exports !== undefined) unpatchModule(exports);
      },
    );
  }

  override enable(): void {
    super.enable();
    // Runs from the base constructor too, before this class's own fields exist: config only.
    const module = this.getConfig().module;
    if (module !== undefined) patchModule(module);
  }

  override disable(): void {
    super.disable();
    const module = this.getConfig().module;
    if (module !== undefined) unpatchModule(module);
  }
}
