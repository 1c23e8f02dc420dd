import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ATTR,
  ENV,
  ERROR_TYPE_ABANDONED,
  ERROR_TYPE_OTHER,
  LATEST_ATTR,
  LATEST_METRIC,
  METRIC,
  RESOURCE_ATTR,
} from '../src/constants';
import { defaultInstruments, latestInstruments, prometheusName } from '../src/metrics/definitions';

const root = new URL('../../../', import.meta.url);
const telemetry = readFileSync(new URL('docs/reference/telemetry.md', root), 'utf8');
const configuration = readFileSync(new URL('docs/reference/configuration.md', root), 'utf8');
const types = readFileSync(new URL('packages/core/src/types.ts', root), 'utf8');

function mentioned(doc: string, name: string): boolean {
  return doc.includes(`\`${name}\``);
}

describe('docs/reference stays in step with the code', () => {
  it("names core's own error.type values in telemetry.md", () => {
    expect(
      [ERROR_TYPE_OTHER, ERROR_TYPE_ABANDONED].filter((n) => !mentioned(telemetry, n)),
    ).toEqual([]);
  });

  it('names every metric, attribute and resource attribute in telemetry.md', () => {
    const names = [
      ...Object.values(METRIC),
      ...Object.values(LATEST_METRIC),
      ...Object.values(ATTR),
      ...Object.values(LATEST_ATTR),
      ...Object.values(RESOURCE_ATTR),
    ];
    expect(names.filter((n) => !mentioned(telemetry, n))).toEqual([]);
  });

  it('gives every instrument its exact Prometheus name', () => {
    const missing: string[] = [];
    for (const def of [
      ...Object.values(defaultInstruments()),
      ...Object.values(latestInstruments()),
    ]) {
      const prom = prometheusName(def);
      if (!telemetry.includes(prom)) missing.push(`${def.name} → ${prom}`);
      if (!mentioned(telemetry, def.unit)) missing.push(`${def.name} unit ${def.unit}`);
    }
    expect(missing).toEqual([]);
  });

  it('lists every bucket boundary set', async () => {
    const { BUCKETS } = await import('../src/constants');
    const documented = [...telemetry.matchAll(/^- [^:]+: ([\d., ]+)$/gm)].map((m) =>
      m[1].split(', ').map(Number).join(','),
    );
    for (const buckets of Object.values(BUCKETS)) expect(documented).toContain(buckets.join(','));
  });

  it('documents every environment variable and option in configuration.md', () => {
    const envMissing = Object.values(ENV).filter((v) => !mentioned(configuration, v));
    expect(envMissing).toEqual([]);
    const body = types.slice(
      types.indexOf('export interface LLMeterOptions'),
      types.indexOf('/** Token usage'),
    );
    const options = [...body.matchAll(/^ {2}(\w+)\?:/gm)].map((m) => m[1]);
    expect(options.length).toBeGreaterThan(30);
    expect(
      options.filter((o) => !mentioned(configuration, o) && !configuration.includes(`\`${o}.`)),
    ).toEqual([]);
  });

  it('documents no metric that the code does not define', async () => {
    const documented = [...telemetry.matchAll(/^\| `((?:gen_ai|llmeter)\.[a-z_.]+)` \|/gm)].map(
      (m) => m[1],
    );
    // the Express adapter's GPU sampler defines its own instruments; the page documents them too
    const { GPU_METRIC } = await import('../../express/src/constants');
    const defined = new Set<string>([
      ...Object.values(METRIC),
      ...Object.values(LATEST_METRIC),
      ...Object.values(GPU_METRIC),
    ]);
    expect(documented.filter((n) => !defined.has(n))).toEqual([]);
  });
});
