/**
 * Validates Kubernetes objects against the schemas shipped by npm packages (no network, nothing
 * vendored):
 *
 *   - `kubernetes-models` (Kubernetes' OpenAPI schemas, compiled to JSON-schema validators) for
 *     the built-in kinds, and `@kubernetes-models/prometheus-operator` (the prometheus-operator
 *     CRDs' openAPIV3Schema, same form) for ServiceMonitor, PodMonitor and PrometheusRule:
 *     types, required fields, enums, formats. A kind with no schema is an error.
 *   - Those schemas allow unknown fields (like `kubeconform` without `-strict`). For the strict
 *     check, every object is also type-checked by the TypeScript compiler against the same
 *     packages' type declarations: an object literal with a property its interface lacks
 *     (`contianers:`, `honorLabel:`) is an excess-property error at any depth.
 */
import { dirname, join } from 'node:path';
import ts from 'typescript';
import type { K8sObject } from './kustomize';
import { ROOT } from './repo';

/** The module that models `apiVersion` + `kind`, e.g. kubernetes-models/apps/v1/Deployment. */
export function modelModule(apiVersion: string, kind: string): string {
  if (apiVersion.startsWith('monitoring.coreos.com/')) {
    return `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  }
  return `kubernetes-models/${apiVersion}/${kind}`;
}

export interface ValidationProblem {
  object: string;
  message: string;
}

const describe = (o: K8sObject) =>
  `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;

/** JSON-schema validation through the models' `validate()`. */
export async function schemaProblems(objects: K8sObject[]): Promise<ValidationProblem[]> {
  const problems: ValidationProblem[] = [];
  for (const o of objects) {
    let Model: any;
    try {
      Model = (await import(/* @vite-ignore */ modelModule(o.apiVersion, o.kind)))[o.kind];
    } catch (error) {
      problems.push({ object: describe(o), message: `no schema: ${(error as Error).message}` });
      continue;
    }
    if (typeof Model !== 'function') {
      problems.push({ object: describe(o), message: `no model class ${o.kind}` });
      continue;
    }
    try {
      new Model(structuredClone(o)).validate();
    } catch (error) {
      const details = (error as any).errors
        ?.map((e: any) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`)
        .join('; ');
      problems.push({ object: describe(o), message: details ?? (error as Error).message });
    }
  }
  return problems;
}

/**
 * Strict field check: `export const r0: IDeployment = {...}` for every object, compiled with the
 * TypeScript API. Returns the compiler's errors, each with the object it is about.
 */
export function strictFieldProblems(objects: K8sObject[]): ValidationProblem[] {
  const file = join(ROOT, 'test', 'deploy', '__rendered_manifests__.ts');
  const lines: string[] = [];
  const owner: string[] = [];
  objects.forEach((o, i) => {
    const text = `import type { I${o.kind} as T${i} } from '${modelModule(o.apiVersion, o.kind)}';\nexport const r${i}: T${i} = ${JSON.stringify(o, null, 1)};\n`;
    for (const _ of text.split('\n')) owner.push(describe(o));
    lines.push(text);
  });
  const source = lines.join('');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === file
      ? ts.createSourceFile(name, source, language)
      : getSourceFile(name, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (name === file ? source : readFile(name));
  host.getCurrentDirectory = () => dirname(file);
  const program = ts.createProgram([file], options, host);
  const diagnostics = [...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics()];
  return diagnostics
    .filter((d) => d.file?.fileName === file || !d.file)
    .map((d) => {
      const line =
        d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
      return {
        object: owner[line] ?? '?',
        message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      };
    });
}
