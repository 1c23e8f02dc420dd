// One process of instructions.mjs: `node instructions-child.cjs <checkout root> <variant> <calls>`.
// Sequential non-streamed calls of the variant (variants.cjs of that checkout) against MOCK_URL.
'use strict';

const path = require('node:path');

const [root, variantName, calls] = process.argv.slice(2);
const { VARIANTS } = require(path.join(root, 'test/bench/variants.cjs'));
const BODY = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say something short.' }],
};

(async () => {
  const variant = VARIANTS[variantName]('openai');
  const client = variant.makeClient();
  for (let i = 0; i < Number(calls); i++) {
    try {
      await client.chat.completions.create(BODY);
    } catch (error) {
      // Under valgrind a call can take seconds on a loaded machine, and the mock's
      // idle keep-alive timeout (node:http's 5 s) may close the socket as a request
      // starts on it: one retry (a call's worth of instructions, within the noise).
      if (error?.constructor?.name !== 'APIConnectionError') throw error;
      await client.chat.completions.create(BODY);
    }
  }
  await variant.shutdown();
  process.exit(0);
})();
