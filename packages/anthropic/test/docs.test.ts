import { readFileSync } from 'node:fs';
import { ATTR } from '@llmeter/core';
import { LATEST_ATTR } from '@llmeter/core/internal';
import { describe, expect, it } from 'vitest';
import {
  ANTHROPIC_ATTR,
  INSTRUMENTATION_NAME,
  PROVIDER,
  SDK_MESSAGES_SPAN,
  SUPPORTED_VERSIONS,
} from '../src/constants';

const root = new URL('../../../', import.meta.url);
const doc = readFileSync(new URL('docs/adapters/anthropic.md', root), 'utf8');
const readme = readFileSync(new URL('packages/anthropic/README.md', root), 'utf8');
const types = readFileSync(new URL('packages/anthropic/src/types.ts', root), 'utf8');
const index = readFileSync(new URL('packages/anthropic/src/index.ts', root), 'utf8');

const named = (names: string[]) => names.filter((n) => !doc.includes(`\`${n}\``));

describe('docs/adapters/anthropic.md stays in step with the code', () => {
  it('names every attribute the adapter records, and the provider values', () => {
    expect(
      named([
        ...Object.values(ANTHROPIC_ATTR),
        ...Object.values(PROVIDER),
        ATTR.REQUEST_MODEL,
        ATTR.REQUEST_MAX_TOKENS,
        ATTR.REQUEST_TEMPERATURE,
        ATTR.REQUEST_TOP_P,
        ATTR.REQUEST_STOP_SEQUENCES,
        ATTR.REQUEST_STREAM,
        ATTR.RESPONSE_MODEL,
        ATTR.RESPONSE_ID,
        ATTR.RESPONSE_FINISH_REASONS,
        ATTR.USAGE_INPUT_TOKENS,
        ATTR.USAGE_OUTPUT_TOKENS,
        ATTR.USAGE_CACHE_READ_INPUT_TOKENS,
        ATTR.USAGE_CACHE_CREATION_INPUT_TOKENS,
        LATEST_ATTR.USAGE_CACHE_CREATION_INPUT_TOKENS,
        ATTR.USAGE_REASONING_OUTPUT_TOKENS,
        ATTR.LLMETER_STREAM_CHUNKS,
        ATTR.LLMETER_STREAM_INCOMPLETE,
        ATTR.LLMETER_COST_USD,
        ATTR.SYSTEM_INSTRUCTIONS,
        ATTR.INPUT_MESSAGES,
        ATTR.OUTPUT_MESSAGES,
        ATTR.TOOL_DEFINITIONS,
      ]),
    ).toEqual([]);
  });

  it('names the SDK span it replaces, the version range and every export', () => {
    expect(named([SDK_MESSAGES_SPAN, ...SUPPORTED_VERSIONS])).toEqual([]);
    expect(doc).toContain(INSTRUMENTATION_NAME);
    const exports = [...index.matchAll(/export (?:type )?\{ ([^}]+) \}/g)].flatMap((m) =>
      (m[1] as string).split(',').map((s) => s.trim()),
    );
    expect(exports.length).toBeGreaterThan(3);
    expect(named(exports.filter((e) => !e.endsWith('Options') && !e.endsWith('Config')))).toEqual(
      [],
    );
  });

  it('documents every option of instrumentAnthropic()', () => {
    const block = types.slice(types.indexOf('interface InstrumentAnthropicOptions'));
    const options = [...block.matchAll(/^ {2}(\w+)\?:/gm)].map((m) => m[1] as string);
    expect(options).toEqual(['provider', 'captureContent']);
    expect(named(options)).toEqual([]);
  });

  it('the package README links to the docs with absolute URLs that work on npm', () => {
    expect(readme).toContain(
      'https://github.com/llmeter/llmeter/blob/main/docs/adapters/anthropic.md',
    );
    expect(readme).not.toMatch(/\]\((?!https:)/);
  });
});
