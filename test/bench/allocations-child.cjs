// One process of allocations.mjs: `node allocations-child.cjs <variant> <calls> <out.json> [openai|openai6]`.
// Sequential non-streamed calls of the variant against MOCK_URL under V8's
// sampling heap profiler, collected objects included, so what it reports is
// every byte allocated (statistically, one sample per 128 B), not what stays
// live. Writes JSON to out.json (stdout carries the variant's log lines):
// bytes per call by allocating function.
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

/** `function package file:line`, the package read from the path as profile.mjs groups it. */
function frameName({ functionName, url, lineNumber }) {
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  const where = pkg
    ? pkg[1]
    : url.includes('/packages/')
      ? `@llmeter/${url.split('/packages/')[1].split('/')[0]}`
      : url.startsWith('node:')
        ? 'node'
        : '';
  const file = url ? ` ${url.split('/').pop()}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}${file}`;
}

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
  // No prototype: a builtin named like one of Object.prototype's methods is a key like any other.
  const bytes = Object.create(null);
  const walk = (node) => {
    if (node.selfSize > 0) {
      const name = frameName(node.callFrame);
      bytes[name] = (bytes[name] ?? 0) + node.selfSize / n;
    }
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  await variant.shutdown();
  writeFileSync(out, JSON.stringify(bytes));
  process.exit(0);
})();
