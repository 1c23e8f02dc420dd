// The profiled process of profile.mjs: warm up, then the measured calls.
'use strict';

const { VARIANTS } = require('./variants.cjs');

const [variantName, pkg, calls, kind] = process.argv.slice(2);
const BODY = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say something short.' }],
};

async function main() {
  const variant = VARIANTS[variantName](pkg);
  const client = variant.makeClient();
  const one =
    kind === 'stream'
      ? async () => {
          const stream = await client.chat.completions.create(
            { ...BODY, stream: true },
            { headers: { 'x-mock-chunks': '256' } },
          );
          for await (const _ of stream);
        }
      : () => client.chat.completions.create(BODY);
  for (let i = 0; i < 500; i++) await one();
  for (let i = 0; i < Number(calls); i++) await one();
  await variant.shutdown();
}

main();
