import { reportInternalError } from '@llmeter/core/internal';
import { registerTelemetry } from 'ai';
import { REGISTERED } from './constants';
import { LLMeterTelemetry } from './telemetry';
import type { LLMeterTelemetryOptions } from './types';

type Holder = typeof globalThis & { [REGISTERED]?: LLMeterTelemetry };

/**
 * Turns llmeter on for every AI SDK call in the process, through the AI SDK's
 * own `registerTelemetry()`. Once per process: calling it again updates the
 * options of the one registered integration (and switches it back on) rather
 * than registering a second. Returns the function that switches it off (the
 * AI SDK has no unregister; the integration then does nothing). Never throws.
 */
export function registerLLMeterTelemetry(options: LLMeterTelemetryOptions = {}): () => void {
  const registered = register(options);
  return () => {
    if (registered) registered.active = false;
  };
}

/** The one registered integration, registered now if need be; undefined when that failed (reported). */
export function register(options: LLMeterTelemetryOptions): LLMeterTelemetry | undefined {
  const holder = globalThis as Holder;
  try {
    let integration = holder[REGISTERED];
    if (integration) {
      integration.options = { ...options };
      integration.active = true;
    } else {
      integration = new LLMeterTelemetry({ ...options });
      registerTelemetry(integration);
      holder[REGISTERED] = integration;
    }
    return integration;
  } catch (error) {
    reportInternalError('ai-sdk.register', error);
    return undefined;
  }
}
