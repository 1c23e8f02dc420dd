import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HANDLER_NAME, LC_ATTR, LC_EVENT, RETRIEVAL_OPERATION } from '../src/constants';

const root = new URL('../../../', import.meta.url);
const doc = readFileSync(new URL('docs/adapters/langchain.md', root), 'utf8');
const types = readFileSync(new URL('packages/langchain/src/types.ts', root), 'utf8');

describe('docs/adapters/langchain.md stays in step with the code', () => {
  it('names every attribute, event and name the adapter emits', () => {
    const names = [
      ...Object.values(LC_ATTR),
      ...Object.values(LC_EVENT),
      RETRIEVAL_OPERATION,
      HANDLER_NAME,
    ];
    expect(names.filter((n) => !doc.includes(`\`${n}`))).toEqual([]);
  });

  it('documents every handler option', () => {
    const block = types.slice(types.indexOf('interface LLMeterCallbackHandlerOptions'));
    const options = [...block.matchAll(/^ {2}(\w+)\?:/gm)].map((m) => m[1] as string);
    expect(options.length).toBeGreaterThan(10);
    expect(options.filter((o) => !doc.includes(`\`${o}\``))).toEqual([]);
  });
});
