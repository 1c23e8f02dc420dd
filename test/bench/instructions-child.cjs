// One process of instructions.mjs:
// `node instructions-child.cjs <checkout root> <variant> <package> <workload>`, where
// <workload> is `calls:N` (N sequential non-streamed calls) or `streams:N:C` (20
// warm-up streams of 256 chunks, then N sequential streams of C chunks), against MOCK_URL.
'use strict';

const path = require('node:path');

const [root, variantName, pkg, workload] = process.argv.slice(2);
const { VARIANTS } = require(path.join(root, 'test/bench/variants.cjs'));
const BODY = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say something short.' }],
};
const WARMUP_STREAMS = 20;

/**
 * Under valgrind a call can take seconds on a loaded machine, and the mock's idle
 * keep-alive timeout (node:http's 5 s) may close the socket as a request starts on
 * it: one retry (a call's worth of instructions, within the noise).
 */
async function withRetry(send) {
  try {
    return await send();
  } catch (error) {
    if (error?.constructor?.name !== 'APIConnectionError') throw error;
    return await send();
  }
}

/** Only the request is retried: a stream cut while it is read would be read twice. */
async function stream(client, chunks) {
  const options = { headers: { 'x-mock-chunks': String(chunks) } };
  const s = await withRetry(() =>
    client.chat.completions.create({ ...BODY, stream: true }, options),
  );
  for await (const _ of s);
}

(async () => {
  const variant = VARIANTS[variantName](pkg);
  const client = variant.makeClient();
  const [kind, count, chunks] = workload.split(':');
  if (kind === 'calls') {
    for (let i = 0; i < Number(count); i++) {
      await withRetry(() => client.chat.completions.create(BODY));
    }
  } else {
    // The same warm-up in both runs of a pair, so it drops out of their difference.
    for (let i = 0; i < WARMUP_STREAMS; i++) await stream(client, 256);
    for (let i = 0; i < Number(count); i++) await stream(client, Number(chunks));
  }
  await variant.shutdown();
  process.exit(0);
})();
