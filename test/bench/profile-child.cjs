// The profiled process of profile.mjs: warm up, then the measured calls,
// sequential (`calls`), at concurrency 64 (`conc`) or streamed (`stream`).
// Writes the measured window (monotonic µs, the clock of the profile's
// timestamps) and its CPU time (all threads) to PROFILE_WINDOW_FILE.
'use strict';

const { writeFileSync } = require('node:fs');
const { VARIANTS } = require('./variants.cjs');

const [variantName, pkg, calls, kind] = process.argv.slice(2);
const BODY = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say something short.' }],
};
const CONCURRENCY = 64;

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
  const run = async (n) => {
    if (kind !== 'conc') {
      for (let i = 0; i < n; i++) await one();
      return;
    }
    let issued = 0;
    const worker = async () => {
      while (issued < n) {
        issued += 1;
        await one();
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  };
  await run(500);
  const nowUs = () => Number(process.hrtime.bigint() / 1000n);
  const startUs = nowUs();
  const cpu0 = process.cpuUsage();
  await run(Number(calls));
  const cpu = process.cpuUsage(cpu0);
  const endUs = nowUs();
  if (process.env.PROFILE_WINDOW_FILE) {
    const window = { startUs, endUs, cpuUs: cpu.user + cpu.system };
    writeFileSync(process.env.PROFILE_WINDOW_FILE, JSON.stringify(window));
  }
  await variant.shutdown();
}

main();
