import { defineConfig } from 'vitest/config';
import base from './vitest.config';

const long = process.env.LLMETER_SOAK === 'long';

// The soak and fault suite (test/reliability), alone: it loads the machine and
// reports timings, so it never shares the CPU with other test files. Long mode
// (pnpm soak) adds the fuzz and cardinality tests, with LLMETER_FUZZ_RUNS set
// by the script to a larger count than the main suite's.
export default defineConfig({
  resolve: base.resolve,
  test: {
    include: [
      'test/reliability/**/*.test.ts',
      ...(long ? ['packages/*/test/fuzz.test.ts', 'packages/core/test/cardinality.test.ts'] : []),
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
