import { defineConfig } from 'vitest/config';
import base from './vitest.config';

// The soak and fault suite (test/reliability), alone: it loads the machine and
// reports timings, so it never shares the CPU with other test files.
export default defineConfig({
  resolve: base.resolve,
  test: {
    include: ['test/reliability/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
