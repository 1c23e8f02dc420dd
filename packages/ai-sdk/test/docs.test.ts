import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as api from '../src';
import {
  AI_OPERATION,
  ERROR_TYPE,
  INSTRUMENTATION_NAME,
  OUTPUT_PART_TYPES,
  PROVIDER_BY_PREFIX,
} from '../src/constants';

const root = new URL('../../../', import.meta.url);
const doc = readFileSync(new URL('docs/adapters/ai-sdk.md', root), 'utf8');
const types = readFileSync(new URL('packages/ai-sdk/src/types.ts', root), 'utf8');
const aiVersion = JSON.parse(
  readFileSync(new URL('packages/ai-sdk/node_modules/ai/package.json', root), 'utf8'),
).version as string;

describe('docs/adapters/ai-sdk.md stays in step with the code', () => {
  it('names every operation id, stream part, error type and name the adapter uses', () => {
    const names = [
      ...Object.values(AI_OPERATION),
      ...OUTPUT_PART_TYPES,
      ...Object.values(ERROR_TYPE),
      INSTRUMENTATION_NAME,
    ];
    expect(names.filter((n) => !doc.includes(`\`${n}\``))).toEqual([]);
  });

  it('lists every provider prefix and the name it maps to', () => {
    for (const [prefix, name] of PROVIDER_BY_PREFIX) {
      const row = doc.split('\n').find((l) => l.includes(`\`${prefix}\``) && l.startsWith('|'));
      expect(row, prefix).toBeDefined();
      expect(row, prefix).toContain(`\`${name}\``);
    }
  });

  it('documents every export and every option', () => {
    expect(Object.keys(api).filter((name) => !doc.includes(`\`${name}`))).toEqual([]);
    const options = [...types.matchAll(/^ {2}(\w+)\?:/gm)].map((m) => m[1] as string);
    expect(options.length).toBeGreaterThan(1);
    expect(options.filter((o) => !doc.includes(`\`${o}\``))).toEqual([]);
  });

  it('names the ai version the tests run against', () => {
    expect(doc).toContain(`\`ai\` ${aiVersion}`);
  });
});
