import { reportInternalError, warnOnce } from '@llmeter/core/internal';
import { PATCHES, WRAPPED } from './constants';
import { isWrapped, type Method, methodsOf, wrapMethod } from './wrap';

type Indexable = Record<PropertyKey, unknown>;
interface Patch {
  proto: Indexable;
  name: string;
  original: unknown;
}

/** Prototypes patched in this process; on globalThis so the ESM and CJS builds of this package share it. */
const holder = globalThis as typeof globalThis & { [PATCHES]?: Patch[] };

function modelsPrototype(genai: unknown): Indexable | undefined {
  const m = genai as Indexable | null | undefined;
  for (const candidate of [m?.Models, (m?.default as Indexable | undefined)?.Models]) {
    const proto = (candidate as { prototype?: unknown } | undefined)?.prototype;
    if (typeof candidate === 'function' && proto !== null && typeof proto === 'object') {
      return proto as Indexable;
    }
  }
  return undefined;
}

/**
 * Patches the `Models` class of a `@google/genai` module (what
 * `import * as genai from '@google/genai'` or `require('@google/genai')`
 * gives), so every client made from it is measured. ESM and CommonJS are
 * separate module instances with separate classes. Idempotent; returns true
 * when the class was found. Never throws.
 */
export function patchModule(genai: unknown): boolean {
  try {
    const proto = modelsPrototype(genai);
    if (!proto) {
      warnOnce('google-genai.module-shape', 'no Models class found in the @google/genai module');
      return false;
    }
    for (const { name, surface } of methodsOf(proto)) {
      const original = proto[name];
      if (isWrapped(original)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      Object.defineProperty(proto, name, {
        value: wrapMethod(original as Method, surface),
        writable: descriptor?.writable ?? true,
        enumerable: descriptor?.enumerable ?? false,
        configurable: true,
      });
      holder[PATCHES] ??= [];
      holder[PATCHES].push({ proto, name, original });
    }
    return true;
  } catch (error) {
    reportInternalError('google-genai.patchModule', error);
    return false;
  }
}

/** Restores what `patchModule` changed: in `genai`'s `Models` class, or everywhere when none is given. */
export function unpatchModule(genai?: unknown): void {
  try {
    const only = genai === undefined ? undefined : modelsPrototype(genai);
    const patches = holder[PATCHES] ?? [];
    const kept: Patch[] = [];
    for (const patch of patches) {
      if (only !== undefined && patch.proto !== only) {
        kept.push(patch);
        continue;
      }
      const current = patch.proto[patch.name] as Method | undefined;
      if (current?.[WRAPPED] === patch.original) {
        Object.defineProperty(patch.proto, patch.name, {
          value: patch.original,
          writable: true,
          enumerable: false,
          configurable: true,
        });
      }
    }
    holder[PATCHES] = kept;
  } catch (error) {
    reportInternalError('google-genai.unpatchModule', error);
  }
}
