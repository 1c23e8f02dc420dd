// One process of allocations.mjs: `node allocations-child.cjs <variant> <calls> <out.json> [openai|openai6]`.
// Sequential non-streamed calls of the variant against MOCK_URL under V8's
// sampling heap profiler, collected objects included, so what it reports is
// every byte allocated (statistically, one sample per 128 B), not what stays
// live. Writes the profile's tree and the number of calls as JSON to
// out.json (stdout carries the variant's log lines).
'use strict';

const { writeFileSync } = require('node:fs');
const inspector = require('node:inspector/promises');
const { VARIANTS } = require('./variants.cjs');

const [variantName, calls, out, pkg = 'openai'] = process.argv.slice(2);
const BODY = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say something short.' }],
};
const WARM_UP = 2000;

(async () => {
  const variant = VARIANTS[variantName](pkg);
  const client = variant.makeClient();
  for (let i = 0; i < WARM_UP; i++) await client.chat.completions.create(BODY);
  const session = new inspector.Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 128,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  const n = Number(calls);
  for (let i = 0; i < n; i++) await client.chat.completions.create(BODY);
  const { profile } = await session.post('HeapProfiler.stopSampling');
  await variant.shutdown();
  writeFileSync(out, JSON.stringify({ calls: n, head: profile.head }));
  process.exit(0);
})();
