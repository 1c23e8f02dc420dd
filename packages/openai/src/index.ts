export { PROVIDER } from './constants';
export { instrumentOpenAI } from './instrument';
export { OpenAIInstrumentation, type OpenAIInstrumentationConfig } from './instrumentation';
export type { InstrumentOpenAIOptions } from './types';
