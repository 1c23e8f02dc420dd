/** Paths and file helpers shared by the deploy tests. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const DEPLOY = join(ROOT, 'deploy');
export const RULES_DIR = join(DEPLOY, 'prometheus', 'rules');
export const DASHBOARDS_DIR = join(DEPLOY, 'grafana', 'dashboards');
export const KUBERNETES_DIR = join(DEPLOY, 'kubernetes');
export const HELM_DIR = join(DEPLOY, 'helm');
export const COMPOSE_DIR = join(DEPLOY, 'compose');

/** Path relative to the repository root, for messages. */
export const rel = (path: string): string => relative(ROOT, path);

/** Every file under `dir` (recursively) whose name passes `filter`, sorted. */
export function listFiles(dir: string, filter: (name: string) => boolean = () => true): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path, filter));
    else if (filter(name)) out.push(path);
  }
  return out;
}

/** Parses a YAML file with one document; throws with the file name on a syntax error. */
export function readYaml<T = any>(path: string): T {
  try {
    return parseYaml(readFileSync(path, 'utf8'), { strict: true, uniqueKeys: true }) as T;
  } catch (error) {
    throw new Error(`${rel(path)}: ${(error as Error).message}`);
  }
}

/** Parses every document of a YAML stream (empty documents dropped). */
export function readYamlDocuments(path: string): any[] {
  const docs = parseAllDocuments(readFileSync(path, 'utf8'), { strict: true, uniqueKeys: true });
  const out: any[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) throw new Error(`${rel(path)}: ${doc.errors[0]!.message}`);
    const value = doc.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

export const readJson = <T = any>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** The rule files, in load order. */
export function ruleFiles(): string[] {
  return listFiles(RULES_DIR, (name) => name.endsWith('.rules.yaml'));
}
