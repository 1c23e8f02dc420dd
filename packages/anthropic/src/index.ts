export { PROVIDER } from './constants';
export { instrumentAnthropic } from './instrument';
export { AnthropicInstrumentation } from './instrumentation';
export type { AnthropicInstrumentationConfig, InstrumentAnthropicOptions } from './types';
