import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
  platform: 'node',
  // Peers stay peers: one @langchain/core and one OTel API instance in the app.
  external: [
    '@langchain/core',
    '@opentelemetry/api',
    '@opentelemetry/instrumentation',
    /^@llmeter\/core/,
  ],
});
