import { readFileSync } from 'node:fs';
import {
  MCP_ATTR,
  MCP_BUCKETS,
  MCP_ERROR_TYPE_TOOL,
  MCP_METRIC,
  prometheusName,
} from '@llmeter/core/internal';
import * as mcp from '@llmeter/mcp';
import { describe, expect, it } from 'vitest';
import { mcpInstruments } from '../../core/src/mcp/instruments';
import { NETWORK, SUPPORTED_VERSIONS } from '../src/constants';

const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const adapter = read('docs/adapters/mcp.md');
const telemetry = read('docs/reference/telemetry.md');
const readme = read('packages/mcp/README.md');
const rootReadme = read('README.md');

const quoted = (doc: string, name: string) => doc.includes(`\`${name}\``);

describe('the MCP docs stay in step with the code', () => {
  it('name every MCP attribute, metric and error type, in the adapter page and the reference', () => {
    const names = [...Object.values(MCP_ATTR), ...Object.values(MCP_METRIC), MCP_ERROR_TYPE_TOOL];
    expect(names.filter((n) => !quoted(adapter, n))).toEqual([]);
    expect(
      [...Object.values(MCP_ATTR), ...Object.values(MCP_METRIC)].filter(
        (n) => !quoted(telemetry, n),
      ),
    ).toEqual([]);
    expect(Object.values(NETWORK).filter((v) => !quoted(adapter, v))).toEqual([]);
    expect(adapter).toContain(SUPPORTED_VERSIONS[0]);
  });

  it('document every option', () => {
    const types = read('packages/mcp/src/types.ts');
    const options = [...types.matchAll(/^ {2}(\w+)\?:/gm)].map((m) => m[1] as string);
    expect(options.length).toBeGreaterThan(0);
    expect(options.filter((o) => !adapter.includes(o))).toEqual([]);
  });

  it('give every MCP instrument its Prometheus name and the buckets', () => {
    for (const def of Object.values(mcpInstruments())) {
      const prom = prometheusName(def);
      expect(adapter).toContain(prom);
      expect(telemetry).toContain(prom);
    }
    const buckets = MCP_BUCKETS.DURATION.join(', ');
    expect(adapter).toContain(buckets);
    expect(telemetry).toContain(buckets);
  });

  it('document every export of the package, in the page, its README and the root README', () => {
    for (const name of Object.keys(mcp)) {
      expect(quoted(adapter, name) || adapter.includes(`${name}(`)).toBe(true);
      expect(readme).toContain(name);
    }
    expect(rootReadme).toContain('[`@llmeter/mcp`](packages/mcp)');
  });

  it('link the README to absolute URLs, so they work on npm', () => {
    const links = [...readme.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((l) => !l.startsWith('https://'))).toEqual([]);
  });
});
