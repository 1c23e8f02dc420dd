import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The public API is what docs/reference/api.md lists: every name a package's
 * entry point exports (values and types, as the TypeScript checker resolves
 * `export *` and `export type *`) must be on the page, in that package's
 * section, and every name on the page must still be exported.
 */
const root = new URL('../', import.meta.url);
const doc = readFileSync(new URL('docs/reference/api.md', root), 'utf8');
// Every published package but @llmeter/testing (a test kit whose README is its reference).
const PACKAGES = readdirSync(new URL('packages/', root)).filter(
  (pkg) =>
    pkg !== 'testing' &&
    existsSync(new URL(`packages/${pkg}/src/index.ts`, root)) &&
    !JSON.parse(readFileSync(new URL(`packages/${pkg}/package.json`, root), 'utf8')).private,
);

const entry = (pkg: string) => fileURLToPath(new URL(`packages/${pkg}/src/index.ts`, root));

function exportedNames(): Map<string, string[]> {
  const program = ts.createProgram(PACKAGES.map(entry), {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const out = new Map<string, string[]>();
  for (const pkg of PACKAGES) {
    const source = program.getSourceFile(entry(pkg));
    const symbol = source && checker.getSymbolAtLocation(source);
    if (!symbol) throw new Error(`no module symbol for ${pkg}`);
    out.set(
      pkg,
      checker
        .getExportsOfModule(symbol)
        .map((s) => s.getName())
        .sort(),
    );
  }
  return out;
}

/** Backticked names in the first column of the tables of one package's section. */
function documentedNames(pkg: string): string[] {
  const heading = `## \`@llmeter/${pkg}\``;
  const start = doc.indexOf(heading);
  if (start < 0) return [];
  const next = doc.indexOf('\n## ', start + heading.length);
  const section = doc.slice(start, next < 0 ? undefined : next);
  const names = [...section.matchAll(/^\| `([A-Za-z_$][\w$]*)` \|/gm)].map((m) => m[1] as string);
  return [...new Set(names)].sort();
}

describe('the public API is what docs/reference/api.md lists', () => {
  const exported = exportedNames();
  it.each(PACKAGES)('@llmeter/%s exports exactly the names its section lists', (pkg) => {
    const names = exported.get(pkg) ?? [];
    const listed = documentedNames(pkg);
    expect(names.length).toBeGreaterThan(0);
    expect({
      exportedButNotDocumented: names.filter((n) => !listed.includes(n)),
      documentedButNotExported: listed.filter((n) => !names.includes(n)),
    }).toEqual({ exportedButNotDocumented: [], documentedButNotExported: [] });
  });
});
