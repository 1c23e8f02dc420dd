export { OPERATION_GENERATE_CONTENT, PROVIDER } from './constants';
export { instrumentGoogleGenAI } from './instrument';
export { GoogleGenAIInstrumentation } from './instrumentation';
export type { GoogleGenAIInstrumentationConfig, InstrumentGoogleGenAIOptions } from './types';
