/**
 * Zero-code start: `node --import @llmeter/openai/register app.js` (ES module
 * or CommonJS application alike) or `node --require @llmeter/openai/register app.js`.
 * Starts llmeter from the environment variables (unless already started) and
 * enables auto-instrumentation of `openai` before the application loads it.
 */
import { getLLMeter, init } from '@llmeter/core';
import { enableOpenAIAutoInstrumentation } from './hooks';

if (!getLLMeter()) init();
enableOpenAIAutoInstrumentation();
