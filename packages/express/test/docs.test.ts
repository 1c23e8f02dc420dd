import { readFileSync } from 'node:fs';
import * as api from '@llmeter/express';
import { describe, expect, it } from 'vitest';
import { GPU_LABEL, GPU_METRIC, GPU_PROM_METRIC, HTTP_ATTR } from '../src/constants';

const doc = readFileSync(new URL('../../../docs/adapters/express.md', import.meta.url), 'utf8');

describe('docs/adapters/express.md', () => {
  it.each(Object.values({ ...HTTP_ATTR, ...GPU_METRIC, ...GPU_PROM_METRIC, ...GPU_LABEL }))(
    'names %s',
    (name) => {
      expect(doc).toContain(`\`${name}\``);
    },
  );

  it('documents every exported function', () => {
    const functions = Object.entries(api)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name);
    expect(functions.length).toBeGreaterThan(5);
    for (const name of functions) expect(doc, name).toContain(name);
  });
});
