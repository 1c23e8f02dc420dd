/**
 * Zero-code start: `node --import @llmeter/openai/register app.js` (ES module
 * or CommonJS application alike). Registers import-in-the-middle's loader, so
 * that `import 'openai'` can be hooked as `require('openai')` is, enables
 * `OpenAIInstrumentation` and starts llmeter from the environment variables
 * (unless already started).
 */
import { register } from 'node:module';
import { getLLMeter, init } from '@llmeter/core';
import { reportInternalError } from '@llmeter/core/internal';
import { OpenAIInstrumentation } from './instrumentation';

try {
  // Resolved from this package, which depends on @opentelemetry/instrumentation.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
} catch (error) {
  reportInternalError('openai.register', error);
}
// Enabled on construction, as every OpenTelemetry instrumentation is.
new OpenAIInstrumentation();
if (!getLLMeter()) init();
