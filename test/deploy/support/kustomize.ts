/**
 * A small Kustomize renderer: exactly the subset deploy/kubernetes uses, so the manifests can be
 * rendered and validated on a machine without `kustomize` (Debian ships none; its kubectl 1.20
 * embeds a kustomize too old for components and `patches`). Any kustomization field outside the
 * subset is an error, never silently ignored. Where `kubectl kustomize` is available (the CI
 * image has kubectl 1.32 / kustomize 5.5), test/deploy/kubernetes.test.ts renders every overlay
 * with it too and requires the same objects.
 *
 * Supported: resources (files, multi-document, and directories holding a kustomization),
 * components (kind: Component), configMapGenerator (files, `key=path` files, literals,
 * namespace, options.labels/annotations) with generatorOptions (labels, annotations,
 * disableNameSuffixHash) and kustomize's content-hash name suffix plus the rewrite of the
 * references to it, namespace, images (newName/newTag/digest), patches (inline or path;
 * strategic merge with `$patch: delete` and name-keyed list merges, or JSON 6902 with a target).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { rel } from './repo';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: any;
}

const KUSTOMIZATION_FIELDS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'components',
  'configMapGenerator',
  'generatorOptions',
  'namespace',
  'images',
  'patches',
]);

/** Kinds that have no namespace (the ones we use or may use). */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'APIService',
]);

interface Generated {
  object: K8sObject;
  hash: boolean;
}

interface State {
  objects: K8sObject[];
  /** Generated ConfigMaps still waiting for their hash suffix (identity: the object). */
  generated: Generated[];
}

function kustomizationFile(dir: string): string {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  throw new Error(`${rel(dir)}: no kustomization.yaml`);
}

function loadDocuments(path: string): K8sObject[] {
  const out: K8sObject[] = [];
  for (const doc of parseAllDocuments(readFileSync(path, 'utf8'), { uniqueKeys: true })) {
    if (doc.errors.length > 0) throw new Error(`${rel(path)}: ${doc.errors[0]!.message}`);
    const value = doc.toJS();
    if (value === null || value === undefined) continue;
    if (!value.apiVersion || !value.kind || !value.metadata?.name) {
      throw new Error(`${rel(path)}: a document without apiVersion, kind or metadata.name`);
    }
    out.push(value);
  }
  return out;
}

const idOf = (o: K8sObject) =>
  `${o.apiVersion.split('/').length > 1 ? o.apiVersion.split('/')[0] : ''}|${o.kind}|${o.metadata.namespace ?? ''}|${o.metadata.name}`;

/** Renders the kustomization in `dir` to the list of objects `kustomize build` would output. */
export function build(dir: string): K8sObject[] {
  const state = buildInto(resolve(dir), 'Kustomization');
  for (const { object, hash } of state.generated) {
    if (!hash) continue;
    const old = object.metadata.name;
    object.metadata.name = `${old}-${configMapHash(object)}`;
    renameConfigMapReferences(state.objects, object.metadata.namespace, old, object.metadata.name);
  }
  return state.objects;
}

function buildInto(dir: string, expectedKind: 'Kustomization' | 'Component'): State {
  const file = kustomizationFile(dir);
  const k = parseYaml(readFileSync(file, 'utf8'), { uniqueKeys: true }) ?? {};
  for (const field of Object.keys(k)) {
    if (!KUSTOMIZATION_FIELDS.has(field)) {
      throw new Error(`${rel(file)}: field "${field}" is not supported by the test renderer`);
    }
  }
  if ((k.kind ?? 'Kustomization') !== expectedKind) {
    throw new Error(`${rel(file)}: expected kind ${expectedKind}, found ${k.kind}`);
  }
  const state: State = { objects: [], generated: [] };
  for (const entry of (k.resources ?? []) as string[]) {
    const path = resolve(dir, entry);
    if (statSync(path).isDirectory()) {
      const sub = buildInto(path, 'Kustomization');
      state.objects.push(...sub.objects);
      state.generated.push(...sub.generated);
    } else {
      state.objects.push(...loadDocuments(path));
    }
  }
  generate(dir, file, k, state);
  for (const entry of (k.components ?? []) as string[]) applyComponent(resolve(dir, entry), state);
  if (k.namespace) {
    for (const o of state.objects)
      if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  }
  applyPatches(dir, file, k.patches ?? [], state);
  applyImages(k.images ?? [], state.objects);
  assertUnique(state.objects, file);
  return state;
}

function applyComponent(dir: string, parent: State): void {
  const file = kustomizationFile(dir);
  const k = parseYaml(readFileSync(file, 'utf8'), { uniqueKeys: true }) ?? {};
  for (const field of Object.keys(k)) {
    if (!KUSTOMIZATION_FIELDS.has(field) || field === 'namespace') {
      throw new Error(`${rel(file)}: field "${field}" is not supported in a component here`);
    }
  }
  if (k.kind !== 'Component') throw new Error(`${rel(file)}: expected kind Component`);
  for (const entry of (k.resources ?? []) as string[]) {
    parent.objects.push(...loadDocuments(resolve(dir, entry)));
  }
  generate(dir, file, k, parent);
  for (const entry of (k.components ?? []) as string[]) applyComponent(resolve(dir, entry), parent);
  applyPatches(dir, file, k.patches ?? [], parent);
  applyImages(k.images ?? [], parent.objects);
}

function generate(dir: string, file: string, k: any, state: State): void {
  const options = k.generatorOptions ?? {};
  for (const field of Object.keys(options)) {
    if (!['labels', 'annotations', 'disableNameSuffixHash'].includes(field)) {
      throw new Error(`${rel(file)}: generatorOptions.${field} is not supported`);
    }
  }
  for (const gen of (k.configMapGenerator ?? []) as any[]) {
    for (const field of Object.keys(gen)) {
      if (!['name', 'namespace', 'files', 'literals', 'options'].includes(field)) {
        throw new Error(`${rel(file)}: configMapGenerator field "${field}" is not supported`);
      }
    }
    const data: Record<string, string> = {};
    for (const entry of (gen.files ?? []) as string[]) {
      const [key, path] = entry.includes('=') ? entry.split('=', 2) : [undefined, entry];
      const source = resolve(dir, path!);
      if (!source.startsWith(`${dir}/`)) {
        throw new Error(`${rel(file)}: ${entry} is outside the kustomization root`);
      }
      data[key ?? source.split('/').pop()!] = readFileSync(source, 'utf8');
    }
    for (const literal of (gen.literals ?? []) as string[]) {
      const at = literal.indexOf('=');
      data[literal.slice(0, at)] = literal.slice(at + 1);
    }
    const labels = { ...options.labels, ...gen.options?.labels };
    const annotations = { ...options.annotations, ...gen.options?.annotations };
    const object: K8sObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: gen.name,
        ...(gen.namespace ? { namespace: gen.namespace } : {}),
        ...(Object.keys(labels).length ? { labels } : {}),
        ...(Object.keys(annotations).length ? { annotations } : {}),
      },
      data: Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : 1))),
    };
    state.objects.push(object);
    const disabled = gen.options?.disableNameSuffixHash ?? options.disableNameSuffixHash ?? false;
    state.generated.push({ object, hash: !disabled });
  }
}

/** Go's json.Marshal escaping on top of JSON.stringify (keys already sorted). */
function goJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\\[bf]/g, (c) => (c === '\\b' ? '\\u0008' : '\\u000c'));
}

/** kustomize's ConfigMap name hash (api/hasher): sha256 of {data, kind, name}, 10 chars encoded. */
export function configMapHash(cm: K8sObject): string {
  const sortedData = Object.fromEntries(
    Object.entries(cm.data ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  // kustomize looks the name up as the single key "metadata/name", finds nothing and hashes ""
  // (api/hasher/hasher.go, kustomize 5.x): the suffix depends on the data only.
  const encoded = goJson({ data: sortedData, kind: 'ConfigMap', name: '' });
  const hex = createHash('sha256').update(encoded).digest('hex');
  const swap: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex.slice(0, 10)].map((c) => swap[c] ?? c).join('');
}

function podSpecs(o: K8sObject): any[] {
  if (o.kind === 'Pod') return [o.spec];
  if (o.spec?.template?.spec) return [o.spec.template.spec];
  if (o.kind === 'CronJob') return [o.spec?.jobTemplate?.spec?.template?.spec].filter(Boolean);
  return [];
}

function renameConfigMapReferences(
  objects: K8sObject[],
  namespace: string | undefined,
  from: string,
  to: string,
): void {
  for (const o of objects) {
    if ((o.metadata.namespace ?? undefined) !== namespace) continue;
    for (const spec of podSpecs(o)) {
      for (const volume of spec.volumes ?? []) {
        if (volume.configMap?.name === from) volume.configMap.name = to;
        for (const source of volume.projected?.sources ?? []) {
          if (source.configMap?.name === from) source.configMap.name = to;
        }
      }
      for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
        for (const e of c.env ?? []) {
          if (e.valueFrom?.configMapKeyRef?.name === from) e.valueFrom.configMapKeyRef.name = to;
        }
        for (const e of c.envFrom ?? []) {
          if (e.configMapRef?.name === from) e.configMapRef.name = to;
        }
      }
    }
  }
}

function applyImages(images: any[], objects: K8sObject[]): void {
  for (const image of images) {
    for (const o of objects) {
      for (const spec of podSpecs(o)) {
        for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
          const [name] = (c.image as string).split(/[:@]/);
          if (name !== image.name) continue;
          const base = image.newName ?? name;
          c.image = image.digest
            ? `${base}@${image.digest}`
            : `${base}:${image.newTag ?? (c.image as string).split(':')[1] ?? 'latest'}`;
        }
      }
    }
  }
}

function matchesTarget(o: K8sObject, target: any): boolean {
  const [group, version] = o.apiVersion.includes('/')
    ? o.apiVersion.split('/')
    : ['', o.apiVersion];
  if (target.group !== undefined && target.group !== group) return false;
  if (target.version !== undefined && target.version !== version) return false;
  if (target.kind !== undefined && target.kind !== o.kind) return false;
  if (target.name !== undefined && !new RegExp(`^(?:${target.name})$`).test(o.metadata.name)) {
    return false;
  }
  if (target.namespace !== undefined && target.namespace !== o.metadata.namespace) return false;
  return true;
}

function applyPatches(dir: string, file: string, patches: any[], state: State): void {
  for (const entry of patches) {
    for (const field of Object.keys(entry)) {
      if (!['path', 'patch', 'target'].includes(field)) {
        throw new Error(`${rel(file)}: patches field "${field}" is not supported`);
      }
    }
    const text: string = entry.path ? readFileSync(resolve(dir, entry.path), 'utf8') : entry.patch;
    const parsed = parseYaml(text, { uniqueKeys: true });
    if (Array.isArray(parsed)) {
      if (!entry.target) throw new Error(`${rel(file)}: a JSON 6902 patch needs a target`);
      const targets = state.objects.filter((o) => matchesTarget(o, entry.target));
      if (targets.length === 0) throw new Error(`${rel(file)}: patch target matches nothing`);
      for (const o of targets) applyJson6902(o, parsed, file);
      continue;
    }
    const target = entry.target ?? {
      kind: parsed.kind,
      name: parsed.metadata?.name,
      ...(parsed.metadata?.namespace ? { namespace: parsed.metadata.namespace } : {}),
    };
    const targets = state.objects.filter(
      (o) =>
        matchesTarget(o, target) &&
        (entry.target || !parsed.apiVersion || parsed.apiVersion === o.apiVersion),
    );
    if (targets.length === 0) throw new Error(`${rel(file)}: patch target matches nothing`);
    if (parsed.$patch === 'delete') {
      state.objects = state.objects.filter((o) => !targets.includes(o));
      continue;
    }
    for (const o of targets) strategicMerge(o, parsed);
  }
}

/** Strategic merge, as far as our patches need it: maps merge, lists of named items merge by name. */
function strategicMerge(target: any, patch: any): void {
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'apiVersion' || key === 'kind') continue;
    if (value === null) {
      delete target[key];
    } else if (Array.isArray(value)) {
      const current = target[key];
      const named = value.every((v) => v && typeof v === 'object' && 'name' in v);
      if (named && Array.isArray(current)) {
        // As Kubernetes' strategic merge orders it: the patch's items first, in patch order,
        // then the items the patch does not name, in their original order.
        const patched: any[] = [];
        for (const item of value) {
          const existing = current.find((c: any) => c?.name === item.name);
          if (item.$patch === 'delete') continue;
          if (existing) {
            strategicMerge(existing, item);
            patched.push(existing);
          } else patched.push(structuredClone(item));
        }
        const names = new Set(value.map((v) => v.name));
        target[key] = [...patched, ...current.filter((c: any) => !names.has(c?.name))];
      } else {
        target[key] = structuredClone(value);
      }
    } else if (typeof value === 'object') {
      if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
      strategicMerge(target[key], value);
    } else {
      target[key] = value;
    }
  }
}

function applyJson6902(o: K8sObject, ops: any[], file: string): void {
  for (const op of ops) {
    const parts = (op.path as string)
      .split('/')
      .slice(1)
      .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = parts.pop()!;
    let parent: any = o;
    for (const p of parts) {
      parent = parent?.[Array.isArray(parent) ? Number(p) : p];
      if (parent === undefined) throw new Error(`${rel(file)}: ${op.path} not found`);
    }
    const key = Array.isArray(parent) ? (last === '-' ? parent.length : Number(last)) : last;
    if (op.op === 'remove') {
      if (!(key in parent)) throw new Error(`${rel(file)}: ${op.path} not found`);
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else if (op.op === 'replace' || op.op === 'add') {
      if (op.op === 'add' && Array.isArray(parent)) parent.splice(key as number, 0, op.value);
      else parent[key] = structuredClone(op.value);
    } else {
      throw new Error(`${rel(file)}: JSON 6902 op "${op.op}" is not supported`);
    }
  }
}

function assertUnique(objects: K8sObject[], file: string): void {
  const seen = new Set<string>();
  for (const o of objects) {
    const id = idOf(o);
    if (seen.has(id)) throw new Error(`${rel(file)}: ${o.kind} ${o.metadata.name} defined twice`);
    seen.add(id);
  }
}

/** Stable order for comparisons: by kind, namespace, name. */
export function sortObjects(objects: K8sObject[]): K8sObject[] {
  return [...objects].sort((a, b) => (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0));
}

/** Directory of every kustomization under `dir` that is a Kustomization (not a Component). */
export function kustomizationDirs(dir: string, files: string[]): string[] {
  return files
    .filter((f) => f.endsWith('/kustomization.yaml'))
    .filter((f) => (parseYaml(readFileSync(f, 'utf8'))?.kind ?? 'Kustomization') !== 'Component')
    .map((f) => dirname(f))
    .filter((d) => d.startsWith(dir));
}
