import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
  platform: 'node',
  // Peers stay peers: the application's one SDK and one OTel API; core is shared state.
  external: [
    '@anthropic-ai/sdk',
    '@opentelemetry/api',
    '@opentelemetry/instrumentation',
    '@llmeter/core',
  ],
});
