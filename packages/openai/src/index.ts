export { PROVIDER } from './constants';
export { disableOpenAIAutoInstrumentation, enableOpenAIAutoInstrumentation } from './hooks';
export { instrumentOpenAI } from './instrument';
export { instrumentOpenAIModule } from './module';
export type { InstrumentOpenAIOptions } from './types';
