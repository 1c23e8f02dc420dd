import { afterEach, describe, expect, it, vi } from 'vitest';
import { init } from '../src/index';
import { internalLogger, resetReported } from '../src/internal-log';
import { isSupportedNode } from '../src/node-support';
import { quiet, stopLLMeter } from './init-helpers';

const realVersion = process.versions.node;
function fakeNodeVersion(version: string) {
  Object.defineProperty(process.versions, 'node', { value: version, configurable: true });
}

afterEach(async () => {
  fakeNodeVersion(realVersion);
  vi.restoreAllMocks();
  await stopLLMeter();
});

function unsupportedWarnings(warn: { mock: { calls: unknown[][] } }) {
  return warn.mock.calls.filter((c) => String(c[1]).includes('llmeter supports Node >= 22.15'));
}

describe('Node version support', () => {
  it('tells supported versions from older ones', () => {
    expect(isSupportedNode('22.15.0')).toBe(true);
    expect(isSupportedNode('22.23.3')).toBe(true);
    expect(isSupportedNode('24.0.0')).toBe(true);
    expect(isSupportedNode('22.14.9')).toBe(false);
    expect(isSupportedNode('20.19.0')).toBe(false);
  });

  it('warns once on an older Node, saying what works and what does not', async () => {
    resetReported();
    const warn = vi.spyOn(internalLogger(), 'warn').mockImplementation(() => undefined);
    fakeNodeVersion('20.19.0');
    const llmeter = init(quiet);
    expect(llmeter.enabled).toBe(true);
    await llmeter.shutdown();
    init(quiet);
    const warnings = unsupportedWarnings(warn);
    expect(warnings).toHaveLength(1);
    const message = String(warnings[0]![1]);
    expect(message).toContain('this is Node 20.19.0');
    expect(message).toContain('What works');
    expect(message).toContain('What does not: auto-instrumentation');
    expect(message).toContain('instrumentOpenAI(client)');
  });

  it('says nothing on a supported Node', () => {
    resetReported();
    const warn = vi.spyOn(internalLogger(), 'warn').mockImplementation(() => undefined);
    fakeNodeVersion('22.15.0');
    init(quiet);
    expect(unsupportedWarnings(warn)).toHaveLength(0);
  });
});
