/**
 * `import '@llmeter/openai/auto'` (or `require`) as the first import of the
 * application: patches the `openai` module this format resolves to (the same
 * copy the application imports) and registers the load hooks for copies loaded
 * later. llmeter itself is started separately (`init()` or
 * `--import @llmeter/core/register`); until then calls pass through untouched.
 */
import * as openai from 'openai';
import { enableOpenAIAutoInstrumentation } from './hooks';
import { instrumentOpenAIModule } from './module';

instrumentOpenAIModule(openai);
enableOpenAIAutoInstrumentation();
