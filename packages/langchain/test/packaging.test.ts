import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const built =
  existsSync(dist) &&
  existsSync(fileURLToPath(new URL('../../core/dist/index.js', import.meta.url)));

// The root `test` script builds first; a bare `vitest run` before any build skips these.
describe.skipIf(!built)('the built package', () => {
  for (const file of ['smoke.mjs', 'smoke.cjs']) {
    it(`works for ${file.endsWith('.cjs') ? 'CommonJS' : 'ES module'} consumers, nesting an SDK adapter's call`, () => {
      const out = execFileSync(
        process.execPath,
        [fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url))],
        {
          encoding: 'utf8',
          timeout: 20_000,
        },
      );
      const result = JSON.parse(out);
      expect(result.names).toHaveLength(2);
      expect(result.nested).toBe(true);
      expect(result.open).toBe(0);
    });
  }

  for (const file of ['smoke.mjs', 'smoke.cjs']) {
    it(`LangChainInstrumentation measures runs with no callbacks for ${file.endsWith('.cjs') ? 'CommonJS' : 'ES module'} consumers`, () => {
      const out = execFileSync(
        process.execPath,
        [fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url))],
        { encoding: 'utf8', timeout: 20_000, env: { ...process.env, SMOKE_INSTRUMENTATION: '1' } },
      );
      const result = JSON.parse(out);
      expect(result.names).toHaveLength(2);
      expect(result.nested).toBe(true);
    });
  }
});
