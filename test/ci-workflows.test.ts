/**
 * The public CI workflow runs what .ci/run runs, in the same order, and the
 * release workflow publishes with provenance after the consumer test.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

/** Command lines of a shell script, comments, echo lines and shell settings left out. */
function commands(script: string): string[] {
  return script
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#') && !/^(echo|set|cd|export) /.test(line));
}

describe('.github/workflows', () => {
  it('ci.yml runs every command of .ci/run, in order', () => {
    const ci = read('.ci/run');
    const runs = [...read('.github/workflows/ci.yml').matchAll(/^\s+run: (.+)$/gm)].map(
      (m) => m[1],
    );
    expect(runs).toEqual(commands(ci));
  });

  it('release.yml builds, runs the consumer test and publishes with provenance', () => {
    const release = read('.github/workflows/release.yml');
    expect(release).toContain('id-token: write');
    expect(release).toContain('NPM_CONFIG_PROVENANCE: "true"');
    expect(release.indexOf('test:consumer')).toBeLessThan(release.indexOf('changesets/action'));
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
    expect(scripts.release).toContain('changeset publish');
    expect(scripts['version-packages']).toContain('changeset version');
  });

  it('every published package publishes publicly with provenance', () => {
    const names = readdirSync(new URL('packages/', root)).filter((name) =>
      existsSync(new URL(`packages/${name}/package.json`, root)),
    );
    for (const name of names) {
      const manifest = JSON.parse(read(`packages/${name}/package.json`));
      if (manifest.private === true) continue;
      expect(manifest.publishConfig, name).toEqual({ access: 'public', provenance: true });
      expect(manifest.repository.directory, name).toBe(`packages/${name}`);
    }
  });

  it("pnpm checks engines against the Node the scripts run on (the node devDependency's major)", () => {
    const nodeVersion = /^nodeVersion: (\d+)\./m.exec(read('pnpm-workspace.yaml'))?.[1];
    const devDependency = JSON.parse(read('package.json')).devDependencies.node as string;
    expect(devDependency.startsWith(`${nodeVersion}.`)).toBe(true);
  });
});
