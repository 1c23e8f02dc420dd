import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/internal.ts', 'src/register.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
  platform: 'node',
  // CommonJS too: otherwise index.cjs and internal.cjs each bundle all of core, and an
  // adapter that loads both (every adapter does) loads and runs core twice (~5-8 ms).
  splitting: true,
  // `__filename` in the ES module build (prometheus/prom-client.ts's createRequire).
  shims: true,
  // Deferred loads (`import()`, e.g. the OTLP/gRPC exporter) become `require()` in the CommonJS
  // build, so they load the dependencies' CommonJS copies that the rest of that build uses.
  esbuildOptions(options, { format }) {
    if (format === 'cjs') options.supported = { ...options.supported, 'dynamic-import': false };
  },
});
