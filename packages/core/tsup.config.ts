import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/internal.ts', 'src/register.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
  platform: 'node',
  // Not `splitting: true`: for CommonJS, tsup then converts esbuild's ESM output with
  // sucrase, which turns every `?.` and `??` into helper calls that allocate an array and
  // closures each time (83 in core's hot code). So index.cjs and internal.cjs each bundle
  // core (about 3 ms more to require internal.cjs; state is shared through globalThis).
  // `__filename` in the ES module build (prometheus/prom-client.ts's createRequire).
  shims: true,
  // Deferred loads (`import()`, e.g. the OTLP/gRPC exporter) become `require()` in the CommonJS
  // build, so they load the dependencies' CommonJS copies that the rest of that build uses.
  esbuildOptions(options, { format }) {
    if (format === 'cjs') options.supported = { ...options.supported, 'dynamic-import': false };
  },
});
