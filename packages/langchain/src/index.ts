export { HANDLER_NAME, LC_ATTR, LC_EVENT, RETRIEVAL_OPERATION } from './constants';
export { attachLLMeterGlobally, detachLLMeterGlobally } from './global';
export { LLMeterCallbackHandler } from './handler';
export {
  LangChainInstrumentation,
  type LangChainInstrumentationConfig,
} from './instrumentation';
export type { ChainRunInfo, LLMeterCallbackHandlerOptions } from './types';
