import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/register.ts'],
  // import.meta.url in the CommonJS build of the register entry.
  shims: true,
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
  platform: 'node',
  // Peers stay peers: the application's one `openai` and one OTel API; core is shared state.
  external: ['openai', '@opentelemetry/api', '@opentelemetry/instrumentation', /^@llmeter\/core/],
});
