import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPENAI_ATTR, PROVIDER, SUPPORTED_VERSIONS, WRAPPED_METHODS } from '../src/constants';

const root = new URL('../../../', import.meta.url);
const doc = readFileSync(new URL('docs/adapters/openai.md', root), 'utf8');
const types = readFileSync(new URL('packages/openai/src/types.ts', root), 'utf8');
const pkg = JSON.parse(readFileSync(new URL('packages/openai/package.json', root), 'utf8'));

describe('docs/adapters/openai.md stays in step with the code', () => {
  it('names every attribute and provider value the adapter emits', () => {
    const names = [...Object.values(OPENAI_ATTR), ...Object.values(PROVIDER)];
    expect(names.filter((n) => !doc.includes(`\`${n}\``))).toEqual([]);
  });

  it('documents every option of instrumentOpenAI', () => {
    const block = types.slice(types.indexOf('interface InstrumentOpenAIOptions'));
    const options = [...block.matchAll(/^ {2}(\w+)\?:/gm)].map((m) => m[1] as string);
    expect(options.length).toBeGreaterThan(2);
    expect(options.filter((o) => !doc.includes(`\`${o}\``))).toEqual([]);
  });

  it('names every wrapped method and the supported openai range, which is the peer range', () => {
    const methods = WRAPPED_METHODS.map(({ path, method }) => [...path, method].join('.'));
    expect(methods.filter((m) => !doc.includes(m))).toEqual([]);
    expect(SUPPORTED_VERSIONS).toEqual([pkg.peerDependencies.openai]);
    expect(doc).toContain(`\`openai\` \`${SUPPORTED_VERSIONS[0]}\``);
  });
});
