import { reportInternalError, warnOnce } from '@llmeter/core/internal';
import { PATCHES, RESOURCE_FILES, type SurfaceName, WRAPPED, WRAPPED_METHODS } from './constants';
import { isWrapped, type Method, resourceClient, wrapMethod } from './wrap';

type Indexable = Record<PropertyKey, unknown>;

/** Prototypes patched in this process, for `disableOpenAIAutoInstrumentation()`. */
const holder = globalThis as typeof globalThis & {
  [PATCHES]?: { proto: Indexable; method: string; original: unknown }[];
};

/**
 * Wraps `proto[method]` so every instance of the class (every client) is
 * measured. Idempotent: a prototype is patched once, whichever build (ESM or
 * CommonJS) of this package gets there first.
 */
export function patchPrototype(proto: unknown, method: string, surface: SurfaceName): boolean {
  if (proto === null || typeof proto !== 'object') return false;
  const target = proto as Indexable;
  const original = target[method];
  if (typeof original !== 'function') return false;
  if (isWrapped(original)) return true;
  const descriptor = Object.getOwnPropertyDescriptor(target, method);
  Object.defineProperty(target, method, {
    value: wrapMethod(original as Method, surface, resourceClient),
    writable: descriptor?.writable ?? true,
    enumerable: descriptor?.enumerable ?? false,
    configurable: true,
  });
  holder[PATCHES] ??= [];
  holder[PATCHES].push({ proto: target, method, original });
  return true;
}

function classOf(openai: unknown): Indexable | undefined {
  const m = openai as Indexable | undefined;
  const candidates = [m?.OpenAI, (m?.default as Indexable | undefined)?.OpenAI, m?.default, m];
  for (const c of candidates) {
    if (typeof c === 'function' && typeof (c as unknown as Indexable).Chat === 'function') {
      return c as unknown as Indexable;
    }
  }
  return undefined;
}

/**
 * Patches the resource classes of an `openai` module, so every client made
 * from it is measured: pass what `import * as openai from 'openai'`,
 * `import OpenAI from 'openai'` or `require('openai')` gives. ESM and
 * CommonJS are separate module instances with separate classes: patch the one
 * the application uses (or both). Returns true when the classes were found.
 */
export function instrumentOpenAIModule(openai: unknown): boolean {
  try {
    const OpenAI = classOf(openai);
    if (!OpenAI) {
      warnOnce(
        'openai.module-shape',
        'instrumentOpenAIModule(): no OpenAI class found in the module',
      );
      return false;
    }
    let patched = false;
    for (const { path, method, surface } of WRAPPED_METHODS) {
      // Resource classes hang off the client class: OpenAI.Chat.Completions, OpenAI.Responses, ...
      let cls: unknown = OpenAI;
      for (const key of path) {
        const name = key.charAt(0).toUpperCase() + key.slice(1);
        cls = (cls as Indexable | undefined)?.[name];
      }
      if (typeof cls === 'function' && patchPrototype(cls.prototype, method, surface))
        patched = true;
    }
    return patched;
  } catch (error) {
    reportInternalError('openai.instrumentModule', error);
    return false;
  }
}

const RESOURCE_PATTERNS = RESOURCE_FILES.map(
  (entry) => [new RegExp(`/openai/${entry.file}\\.(?:m?js|cjs)$`), entry] as const,
);

/** The resource file a loaded module is, by its URL or path; undefined for any other file. */
export function resourceFileOf(location: string): (typeof RESOURCE_FILES)[number] | undefined {
  if (!location.includes('openai')) return undefined;
  const normalized = location.replaceAll('\\', '/');
  for (const [pattern, entry] of RESOURCE_PATTERNS) {
    if (pattern.test(normalized)) return entry;
  }
  return undefined;
}

/** Called by the load hook with a resource file's exports once it has run. */
export function patchResourceModule(location: string, exports: unknown): void {
  try {
    const entry = resourceFileOf(location);
    const cls = entry && (exports as Indexable | undefined)?.[entry.exportName];
    if (entry && typeof cls === 'function') {
      const method = WRAPPED_METHODS.find((m) => m.surface === entry.surface)?.method ?? 'create';
      patchPrototype(cls.prototype, method, entry.surface);
    }
  } catch (error) {
    reportInternalError('openai.patchResourceModule', error);
  }
}

/** Restores every patched prototype method (the module load hooks stay, inert). */
export function unpatchAll(): void {
  const patches = holder[PATCHES] ?? [];
  for (const { proto, method, original } of patches.splice(0)) {
    const current = proto[method] as Method | undefined;
    if (current?.[WRAPPED] === original) {
      Object.defineProperty(proto, method, {
        value: original,
        writable: true,
        enumerable: false,
        configurable: true,
      });
    }
  }
}
