export { PROVIDER_BY_PREFIX } from './constants';
export { aiSdkInstrumentation } from './instrumentation';
export { registerLLMeterTelemetry } from './register';
export { LLMeterTelemetry, llmeterTelemetry } from './telemetry';
export type { LLMeterTelemetryOptions } from './types';
