import type { LLMeterInstrumentation } from '@llmeter/core';
import { reportInternalError } from '@llmeter/core/internal';
import { INSTRUMENTATION_NAME } from './constants';
import { enableOpenAIAutoInstrumentation } from './hooks';
import { instrumentOpenAIModule } from './module';
import type { OpenAIInstrumentationOptions } from './types';

/**
 * Auto-instrumentation as an object for `init({ instrumentations: [...] })`:
 * core calls `enable()` once llmeter has started (core never imports this
 * package). `enable()` registers the module hooks for copies of `openai`
 * loaded later, patches the CommonJS copies already loaded and, when given,
 * the `module` the application imported: an ES module application's static
 * `import OpenAI from 'openai'` has loaded its copy before any of its code
 * (init() included) runs, so the hooks alone come too late for it.
 */
export function openAIInstrumentation(
  options: OpenAIInstrumentationOptions = {},
): LLMeterInstrumentation {
  return {
    name: INSTRUMENTATION_NAME,
    enable() {
      try {
        const hooked = enableOpenAIAutoInstrumentation();
        const module = options?.module;
        // Whatever the hooks managed, a module handed over is patched directly.
        const patched = module !== undefined && instrumentOpenAIModule(module);
        return hooked || patched;
      } catch (error) {
        reportInternalError('openai.instrumentation', error);
        return false;
      }
    },
  };
}
