import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) =>
  fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Unit and integration tests run against the TypeScript sources; the ESM/CJS
// packaging tests spawn Node on the built dist/ instead.
export default defineConfig({
  resolve: {
    alias: {
      '@llmeter/testing/in-memory': fileURLToPath(
        new URL('./packages/testing/src/in-memory.ts', import.meta.url),
      ),
      '@llmeter/core/internal': fileURLToPath(
        new URL('./packages/core/src/internal.ts', import.meta.url),
      ),
      '@llmeter/core': src('core'),
      '@llmeter/testing': src('testing'),
      '@llmeter/openai': src('openai'),
      '@llmeter/anthropic': src('anthropic'),
      '@llmeter/google-genai': src('google-genai'),
      '@llmeter/langchain': src('langchain'),
      '@llmeter/express': src('express'),
      '@llmeter/ai-sdk': src('ai-sdk'),
      '@llmeter/mcp': src('mcp'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    // The benchmark and the soak need the machine to themselves: their own scripts run them
    // (pnpm bench, pnpm soak; .ci/run runs their quick modes after the test suite).
    exclude: ['**/node_modules/**', 'test/bench/**', 'test/reliability/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
