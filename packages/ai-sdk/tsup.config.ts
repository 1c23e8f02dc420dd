import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
  platform: 'node',
  // Peers stay peers: the application's one `ai` (its global integration registry) and one OTel API.
  external: ['ai', '@opentelemetry/api', '@llmeter/core'],
});
