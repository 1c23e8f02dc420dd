import * as nodeModule from 'node:module';
import { reportInternalError, warnOnce } from '@llmeter/core/internal';
import { HOOKS_REGISTERED, ON_RESOURCE_LOADED } from './constants';
import { patchResourceModule, resourceFileOf, unpatchAll } from './module';

type LoadResult = {
  format?: string | null;
  source?: string | ArrayBuffer | ArrayBufferView | null;
};
type LoadHook = (
  url: string,
  context: unknown,
  nextLoad: (url: string, context?: unknown) => LoadResult,
) => LoadResult;
type RegisterHooks = (hooks: { load: LoadHook }) => { deregister(): void };

const state = globalThis as typeof globalThis & {
  [ON_RESOURCE_LOADED]?: ((location: string, exports: unknown) => void) | undefined;
  [HOOKS_REGISTERED]?: boolean;
};

function sourceText(source: LoadResult['source']): string | undefined {
  if (typeof source === 'string') return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    return new TextDecoder().decode(source as ArrayBuffer);
  }
  return undefined;
}

/**
 * After the file's own code has run, hand its exports to the patcher. An ES
 * module imports itself to reach its own namespace (cycles are allowed and
 * the bindings are initialised by the time the appended line runs); a
 * CommonJS module passes `module.exports`. The call goes through a globalThis
 * slot, so a disabled patcher leaves the file as it was.
 */
function appendHandOff(source: string, url: string, format: string): string {
  const slot = `globalThis[Symbol.for(${JSON.stringify(ON_RESOURCE_LOADED.description)})]`;
  if (format === 'module') {
    return `${source}\n;import * as __llmeter_self from ${JSON.stringify(url)};\n${slot}?.(${JSON.stringify(url)}, __llmeter_self);\n`;
  }
  return `${source}\n;${slot}?.(__filename, module.exports);\n`;
}

const loadHook: LoadHook = (url, context, nextLoad) => {
  const result = nextLoad(url, context);
  try {
    if (!resourceFileOf(url)) return result;
    const format = result.format;
    if (format !== 'module' && format !== 'commonjs') return result;
    const source = sourceText(result.source);
    if (source === undefined) return result;
    return { ...result, source: appendHandOff(source, url, format) };
  } catch (error) {
    reportInternalError('openai.loadHook', error);
    return result;
  }
};

/** openai files CommonJS has already loaded (`require.cache`), patched now. */
function patchLoadedCommonJS(): void {
  type ModuleClass = { _cache?: Record<string, { exports?: unknown }> };
  const ns = nodeModule as unknown as { Module?: ModuleClass; default?: ModuleClass };
  const cache = (ns.Module ?? ns.default)?._cache;
  if (!cache) return;
  for (const filename of Object.keys(cache)) {
    if (resourceFileOf(filename)) patchResourceModule(filename, cache[filename]?.exports);
  }
}

/**
 * Opt-in auto-instrumentation of the `openai` package, for ES modules and
 * CommonJS alike, with no loader file: registers in-thread module hooks
 * (`module.registerHooks`, Node ≥ 22.15) that patch the resource classes of
 * every copy of `openai` loaded from now on (by `import` or `require`), and
 * patches the CommonJS copies already loaded. An ES module copy loaded before
 * this call cannot be found; use `node --import @llmeter/openai/register`,
 * import `@llmeter/openai/auto` first, or `instrumentOpenAIModule()`.
 * Idempotent; returns false when the hooks are unavailable. Never throws.
 */
export function enableOpenAIAutoInstrumentation(): boolean {
  try {
    state[ON_RESOURCE_LOADED] = patchResourceModule;
    patchLoadedCommonJS();
    if (state[HOOKS_REGISTERED]) return true;
    const registerHooks = (nodeModule as unknown as { registerHooks?: RegisterHooks })
      .registerHooks;
    if (typeof registerHooks !== 'function') {
      warnOnce(
        'openai.no-register-hooks',
        'module.registerHooks is unavailable (Node < 22.15): openai modules loaded later are not auto-instrumented; use instrumentOpenAI(client)',
      );
      return false;
    }
    registerHooks({ load: loadHook });
    state[HOOKS_REGISTERED] = true;
    return true;
  } catch (error) {
    reportInternalError('openai.enableAuto', error);
    return false;
  }
}

/** Undoes auto-instrumentation: restores the patched methods; files loaded later stay unpatched. */
export function disableOpenAIAutoInstrumentation(): void {
  try {
    state[ON_RESOURCE_LOADED] = undefined;
    unpatchAll();
  } catch (error) {
    reportInternalError('openai.disableAuto', error);
  }
}
