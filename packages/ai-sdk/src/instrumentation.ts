import type { LLMeterInstrumentation } from '@llmeter/core';
import { INSTRUMENTATION_NAME } from './constants';
import { register } from './register';
import type { LLMeterTelemetryOptions } from './types';

/**
 * The AI SDK integration as an object for `init({ instrumentations: [...] })`:
 * core calls `enable()` once llmeter has started, which registers llmeter's
 * telemetry integration with the AI SDK, as `registerLLMeterTelemetry()` does.
 * Nothing is patched: the AI SDK calls integrations itself.
 */
export function aiSdkInstrumentation(
  options: LLMeterTelemetryOptions = {},
): LLMeterInstrumentation {
  return {
    name: INSTRUMENTATION_NAME,
    enable() {
      return register(options) !== undefined;
    },
  };
}
