import type { LLMeterInstrumentation } from '@llmeter/core';
import { reportInternalError } from '@llmeter/core/internal';
import { INSTRUMENTATION_NAME } from './constants';
import { registerLLMeterTelemetry } from './register';
import type { LLMeterTelemetryOptions } from './types';

/**
 * The AI SDK integration as an object for `init({ instrumentations: [...] })`:
 * core calls `enable()` once llmeter has started, which registers llmeter's
 * telemetry integration with the AI SDK (`registerLLMeterTelemetry()`).
 * Nothing is patched: the AI SDK calls integrations itself.
 */
export function aiSdkInstrumentation(
  options: LLMeterTelemetryOptions = {},
): LLMeterInstrumentation {
  return {
    name: INSTRUMENTATION_NAME,
    enable() {
      try {
        registerLLMeterTelemetry(options);
        return true;
      } catch (error) {
        reportInternalError('ai-sdk.instrumentation', error);
        return false;
      }
    },
  };
}
