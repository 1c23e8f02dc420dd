import {
  InstrumentationBase,
  type InstrumentationConfig,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
import { INSTRUMENTATION_NAME, PACKAGE_VERSION, SUPPORTED_VERSIONS } from './constants';
import { attachLLMeterGlobally, detachLLMeterGlobally } from './global';
import type { LLMeterCallbackHandlerOptions } from './types';

/** Options of `LangChainInstrumentation`: OpenTelemetry's (`enabled`) and the handler's. */
export interface LangChainInstrumentationConfig
  extends InstrumentationConfig,
    LLMeterCallbackHandlerOptions {}

/**
 * The OpenTelemetry instrumentation of LangChain.js: `enable()` adds one
 * `LLMeterCallbackHandler` to every LangChain run, as `attachLLMeterGlobally()`
 * does (through LangChain's own configure hook, nothing patched), and
 * `disable()` stops it. Hand it to `init({ instrumentations })`,
 * `registerInstrumentations()` or your own `NodeSDK({ instrumentations })`, in
 * the entry module, before the server starts listening: LangChain keeps the
 * hook in its AsyncLocalStorage, so it applies to the async context it is
 * enabled in and everything started from there.
 *
 * It declares the `@langchain/core` releases it supports (`>=1.0.0 <2`);
 * since nothing of LangChain is patched, the declaration documents the range
 * rather than gating a patch.
 */
export class LangChainInstrumentation extends InstrumentationBase<LangChainInstrumentationConfig> {
  constructor(config: LangChainInstrumentationConfig = {}) {
    super(INSTRUMENTATION_NAME, PACKAGE_VERSION, config);
  }

  protected init() {
    return new InstrumentationNodeModuleDefinition('@langchain/core', SUPPORTED_VERSIONS);
  }

  override enable(): void {
    if (this.isEnabled()) return;
    super.enable();
    // The base constructor enables before a subclass field could hold anything: read the config.
    const { enabled: _enabled, ...options } = this.getConfig();
    attachLLMeterGlobally(options);
  }

  override disable(): void {
    super.disable();
    detachLLMeterGlobally();
  }
}
