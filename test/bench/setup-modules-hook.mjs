// Preloaded by setup-modules.mjs: records every module the process loads and
// writes the list to the file named by LLMETER_BENCH_MODULES at exit.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

const files = new Set();
registerHooks({
  load(url, context, nextLoad) {
    files.add(url.startsWith('file:') ? fileURLToPath(url) : url);
    return nextLoad(url, context);
  },
});
process.on('exit', () =>
  writeFileSync(process.env.LLMETER_BENCH_MODULES, JSON.stringify([...files])),
);
