import { reportInternalError, warnOnce } from '@llmeter/core/internal';
import { PATCHES, type SurfaceName, WRAPPED, WRAPPED_METHODS } from './constants';
import { isWrapped, type Method, resourceClient, wrapMethod } from './wrap';

type Indexable = Record<PropertyKey, unknown>;
interface Patch {
  proto: Indexable;
  method: string;
  original: unknown;
}

/** Prototypes patched in this process; on globalThis so the ESM and CommonJS builds share it. */
const holder = globalThis as typeof globalThis & { [PATCHES]?: Patch[] };

/**
 * Wraps `proto[method]` so every instance of the class (every client) is
 * measured. Idempotent: a prototype is patched once, whichever build (ESM or
 * CommonJS) of this package gets there first.
 */
function patchPrototype(proto: unknown, method: string, surface: SurfaceName): boolean {
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

/** The client class of an `openai` module: its namespace, default export or CommonJS exports. */
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
 * Patches the resource classes of an `openai` module (what `OpenAIInstrumentation`
 * is handed when the module loads), so every client made from it is measured.
 * ESM and CommonJS are separate module instances with separate classes; each
 * is patched when it loads. Returns true when the classes were found.
 */
export function patchOpenAIModule(openai: unknown): boolean {
  try {
    const OpenAI = classOf(openai);
    if (!OpenAI) {
      warnOnce('openai.module-shape', 'OpenAIInstrumentation: no OpenAI class found in the module');
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
    reportInternalError('openai.patchModule', error);
    return false;
  }
}

/** Restores every patched resource method, in whichever copy of `openai` it was patched. */
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
