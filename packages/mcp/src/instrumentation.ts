import { createRequire } from 'node:module';
import { reportInternalError } from '@llmeter/core/internal';
import {
  InstrumentationBase,
  type InstrumentationConfig,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
} from '@opentelemetry/instrumentation';
import {
  INSTRUMENTATION_NAME,
  INSTRUMENTATION_SHORT_NAME,
  INSTRUMENTATION_VERSION,
  PROTOCOL_FILES,
  PROTOCOL_SUBPATH,
  SDK_MODULE,
  SUPPORTED_VERSIONS,
  WRAPPED,
  WRAPPED_METHODS,
} from './constants';
import { type Fn, WRAPPERS } from './surfaces';

type Prototype = Record<string, unknown>;

/**
 * The OpenTelemetry form: patches the prototype of the SDK's `Protocol`
 * class (the base of `Client` and `Server`) when `@modelcontextprotocol/sdk`
 * loads, so every Client and Server of the application is instrumented as
 * `instrumentMCPClient` / `instrumentMCPServer` would do it. Use it with
 * `init({ instrumentations: [new MCPInstrumentation()] })`,
 * `registerInstrumentations()` or an application's own `NodeSDK`; the
 * telemetry still goes through llmeter's recorder. An ES module application
 * needs OpenTelemetry's loader hook (`--import @opentelemetry/instrumentation/hook.mjs`)
 * for the ESM copy of the SDK, as for any OpenTelemetry instrumentation.
 *
 * The module hooks alone do not reach this SDK: its package `exports` point
 * `.` at a file it does not ship, so require-in-the-middle cannot place its
 * files. `enable()` therefore also loads the SDK's `shared/protocol.js` in
 * both formats (a CommonJS `require` and an ESM `import()`, from where this
 * package is installed) and patches each copy's `Protocol` prototype, which
 * every importer of that copy shares. The ESM copy is patched once its
 * `import()` settles, a few ticks after `enable()`.
 *
 * `disable()` restores the prototypes; handlers wrapped while enabled then
 * pass straight through.
 */
export class MCPInstrumentation extends InstrumentationBase<InstrumentationConfig> {
  /** For llmeter's diagnostics when given to `init({ instrumentations })`. */
  readonly name = INSTRUMENTATION_SHORT_NAME;
  // Lazily: InstrumentationBase's constructor may patch before subclass fields exist.
  declare private patchedSet: Set<Prototype> | undefined;
  private get patched(): Set<Prototype> {
    this.patchedSet ??= new Set();
    return this.patchedSet;
  }

  constructor(config: InstrumentationConfig = {}) {
    super(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION, config);
  }

  protected init() {
    const files = PROTOCOL_FILES.map(
      (file) =>
        new InstrumentationNodeModuleFile(
          file,
          SUPPORTED_VERSIONS,
          (exports) => this.patchProtocol(exports),
          (exports) => this.unpatchProtocol(exports),
        ),
    );
    return new InstrumentationNodeModuleDefinition(
      SDK_MODULE,
      SUPPORTED_VERSIONS,
      undefined,
      undefined,
      files,
    );
  }

  override enable(): void {
    super.enable();
    this.patchInstalledSdk();
  }

  override disable(): void {
    super.disable();
    // Copies patched by hand (patchProtocol) are not known to the module hooks.
    for (const proto of [...this.patched]) this.restore(proto);
  }

  private patchInstalledSdk(): void {
    try {
      this.patchProtocol(createRequire(import.meta.url)(PROTOCOL_SUBPATH));
    } catch {
      // No CommonJS copy resolvable from here (or the SDK is not installed).
    }
    import(PROTOCOL_SUBPATH).then(
      (module) => {
        if (this.isEnabled()) this.patchProtocol(module);
      },
      () => {},
    );
  }

  /**
   * Patches a loaded `shared/protocol.js` module (its `Protocol` class). The
   * module hooks call it; an application that loaded the SDK before can call
   * it with the module itself. Returns the module unchanged otherwise.
   */
  patchProtocol<T>(moduleExports: T): T {
    try {
      const proto = (moduleExports as { Protocol?: { prototype?: Prototype } } | null)?.Protocol
        ?.prototype;
      if (!proto || this.patched.has(proto)) return moduleExports;
      const live = () => this.isEnabled();
      for (const method of WRAPPED_METHODS) {
        const original = proto[method];
        if (typeof original !== 'function') continue;
        proto[method] = WRAPPERS[method](original as Fn, live);
      }
      this.patched.add(proto);
    } catch (error) {
      reportInternalError('mcp.instrumentation.patch', error);
    }
    return moduleExports;
  }

  unpatchProtocol(moduleExports: unknown): void {
    const proto = (moduleExports as { Protocol?: { prototype?: Prototype } } | null)?.Protocol
      ?.prototype;
    if (proto) this.restore(proto);
  }

  private restore(proto: Prototype): void {
    try {
      for (const method of WRAPPED_METHODS) {
        const current = proto[method] as { [WRAPPED]?: unknown } | undefined;
        const original = current?.[WRAPPED];
        if (typeof original === 'function') proto[method] = original;
      }
    } catch (error) {
      reportInternalError('mcp.instrumentation.unpatch', error);
    } finally {
      this.patched.delete(proto);
    }
  }
}
