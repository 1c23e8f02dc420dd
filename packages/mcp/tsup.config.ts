import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
  platform: 'node',
  // import.meta.url in the CommonJS build (MCPInstrumentation resolves the SDK from here).
  shims: true,
  // Peers stay peers: the application's one MCP SDK and one OTel API; core is shared state.
  external: [
    '@modelcontextprotocol/sdk',
    '@opentelemetry/api',
    '@opentelemetry/instrumentation',
    '@llmeter/core',
  ],
});
