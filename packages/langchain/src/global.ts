import { registerConfigureHook, setContextVariable } from '@langchain/core/context';
import { reportInternalError } from '@llmeter/core/internal';
import { GLOBAL_HANDLER_CONTEXT_VAR } from './constants';
import { LLMeterCallbackHandler } from './handler';
import type { LLMeterCallbackHandlerOptions } from './types';

/**
 * Attaches one handler to every LangChain run from here on, so callbacks need
 * not be threaded through each call. Uses LangChain's own mechanism: a
 * configure hook (`registerConfigureHook` from `@langchain/core/context`) that
 * adds the handler held in a context variable to every callback manager
 * LangChain configures. A run that already carries an LLMeterCallbackHandler
 * (passed per call) keeps that one: LangChain adds a hook's handler only when
 * none of the same name is present.
 *
 * Both the hook and the variable live in LangChain's AsyncLocalStorage: they
 * apply to the async context this is called in and everything started from it.
 * Call it once at startup, before the server starts listening or the worker
 * starts consuming (after `init()`), not inside a request.
 *
 * Returns the handler (or a fresh one); never throws.
 */
export function attachLLMeterGlobally(
  handlerOrOptions?: LLMeterCallbackHandler | LLMeterCallbackHandlerOptions,
): LLMeterCallbackHandler {
  const handler =
    handlerOrOptions instanceof LLMeterCallbackHandler
      ? handlerOrOptions
      : new LLMeterCallbackHandler(handlerOrOptions);
  try {
    registerConfigureHook({ contextVar: GLOBAL_HANDLER_CONTEXT_VAR, inheritable: true });
    setContextVariable(GLOBAL_HANDLER_CONTEXT_VAR, handler);
  } catch (error) {
    reportInternalError('langchain.attachGlobally', error);
  }
  return handler;
}

/** Stops adding the process-wide handler to new runs (in this async context and those started from it). */
export function detachLLMeterGlobally(): void {
  try {
    setContextVariable(GLOBAL_HANDLER_CONTEXT_VAR, undefined);
  } catch (error) {
    reportInternalError('langchain.detachGlobally', error);
  }
}
