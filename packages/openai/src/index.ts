export { PROVIDER } from './constants';
export { disableOpenAIAutoInstrumentation, enableOpenAIAutoInstrumentation } from './hooks';
export { instrumentOpenAI } from './instrument';
export { openAIInstrumentation } from './instrumentation';
export { instrumentOpenAIModule } from './module';
export type { InstrumentOpenAIOptions, OpenAIInstrumentationOptions } from './types';
