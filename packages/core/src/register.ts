/**
 * Zero-code start: `node --import @llmeter/core/register app.js` (ESM) or
 * `node --require @llmeter/core/register app.js` (CommonJS). Reads only the
 * environment variables.
 */
import { init } from './init';

init();
