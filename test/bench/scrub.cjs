// What the scrubber costs (packages/core/src/secrets.ts): microseconds per
// call on the strings it sees. It runs on names (per operation), on failures
// and on captured content, never per chunk. Not a test: prints figures only.
// `node scrub.cjs` after `pnpm run build`.
'use strict';

const { scrubSecrets } = require('@llmeter/core/internal');

const key = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
const inputs = {
  'model name': 'gpt-4o-mini-2024-07-18',
  'error message, no secret (120 chars)':
    'Error: 503 The server had an error while processing your request. Sorry about that! Retry.',
  'error message with a key and a bearer token (160 chars)': `401 Incorrect API key provided: ${key}. Sent Authorization: Bearer ${key.slice(8)}`,
  'stack trace (2 KiB)':
    '    at Object.<anonymous> (/app/node_modules/openai/core.js:123:45)\n'.repeat(30),
  'captured content (16 KiB of prose)': 'The quick brown fox jumps over the lazy dog. '.repeat(364),
};

const ITERATIONS = 20_000;
for (const [label, text] of Object.entries(inputs)) {
  for (let i = 0; i < 2_000; i++) scrubSecrets(text); // warm up
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) scrubSecrets(text);
  const us = Number(process.hrtime.bigint() - start) / 1e3 / ITERATIONS;
  console.log(`${label.padEnd(58)} ${us.toFixed(2).padStart(8)} µs`);
}
