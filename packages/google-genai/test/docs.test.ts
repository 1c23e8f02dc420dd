import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ERROR_TYPE,
  GOOGLE_GENAI_ATTR,
  INSTRUMENTATION_NAME,
  MODULE_NAME,
  OPERATION_GENERATE_CONTENT,
  OUTPUT_TYPE_BY_MIME,
  PROVIDER,
  SUPPORTED_VERSIONS,
  WRAPPED_METHODS,
} from '../src/constants';

const root = new URL('../../../', import.meta.url);
const doc = readFileSync(new URL('docs/adapters/google-genai.md', root), 'utf8');
const types = readFileSync(new URL('packages/google-genai/src/types.ts', root), 'utf8');
const index = readFileSync(new URL('packages/google-genai/src/index.ts', root), 'utf8');

describe('docs/adapters/google-genai.md stays in step with the code', () => {
  it('names every provider, operation, attribute, error type and wrapped method', () => {
    const names = [
      ...Object.values(PROVIDER),
      OPERATION_GENERATE_CONTENT,
      ...Object.values(GOOGLE_GENAI_ATTR),
      ...Object.values(OUTPUT_TYPE_BY_MIME),
      ...Object.values(ERROR_TYPE),
      ...WRAPPED_METHODS.flatMap((m) => m.methods),
      INSTRUMENTATION_NAME,
      MODULE_NAME,
      SUPPORTED_VERSIONS,
    ];
    expect(names.filter((n) => !doc.includes(`\`${n}`))).toEqual([]);
  });

  it('documents every option of instrumentGoogleGenAI and of the instrumentation', () => {
    const options = [...types.matchAll(/^ {2}(\w+)\?:/gm)].map((m) => m[1] as string);
    expect(options).toEqual(['provider', 'captureContent', 'module']);
    expect(options.filter((o) => !doc.includes(`\`${o}\``))).toEqual([]);
  });

  it('lists every export', () => {
    const exported = [...index.matchAll(/(\w+)(?=[,\s]*}\s*from)|export \{ ([^}]+) \}/g)]
      .flatMap((m) => (m[2] ?? m[1] ?? '').split(','))
      .map((s) => s.trim().replace(/^type /, ''))
      .filter((s) => s !== '' && !s.endsWith('Options') && !s.endsWith('Config'));
    expect(exported.length).toBeGreaterThanOrEqual(4);
    expect(exported.filter((e) => !doc.includes(`\`${e}`))).toEqual([]);
  });
});
