import { reportInternalError, warnOnce } from '@llmeter/core/internal';
import {
  InstrumentationBase,
  type InstrumentationConfig,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
import {
  INSTRUMENTATION_SCOPE,
  PACKAGE_VERSION,
  SUPPORTED_VERSIONS,
  WRAPPED_INIT,
} from './constants';
import { llmeterMiddleware } from './middleware';
import type { LLMeterMiddlewareOptions } from './types';

/** Options of `ExpressInstrumentation`: OpenTelemetry's (`enabled`) and `llmeterMiddleware()`'s. */
export interface ExpressInstrumentationConfig
  extends InstrumentationConfig,
    LLMeterMiddlewareOptions {}

type Init = ((this: AppLike, ...args: unknown[]) => unknown) & { [WRAPPED_INIT]?: Init };
interface AppLike {
  use(...handlers: unknown[]): unknown;
}
interface ApplicationProto {
  init?: Init;
}

/** `express.application`, from what `require('express')` or the ESM namespace gives. */
function applicationOf(exports: unknown): ApplicationProto | undefined {
  const m = exports as { application?: unknown; default?: { application?: unknown } } | undefined;
  const app = m?.application ?? m?.default?.application;
  return app !== null && typeof app === 'object' ? (app as ApplicationProto) : undefined;
}

/**
 * The OpenTelemetry instrumentation of Express 4 and 5: every application
 * created after it is enabled gets `llmeterMiddleware(config)` as its first
 * middleware, so every request is measured with no `app.use()` of your own.
 * Hand it to `init({ instrumentations })`, `registerInstrumentations()` or your
 * own `NodeSDK({ instrumentations })`.
 *
 * What it patches is `express.application.init`, which `express()` calls on
 * each new app (Express copies the application prototype onto the app at that
 * moment, so apps created earlier keep what they had). `disable()` restores
 * it. `llmeterErrorHandler()`, `metricsHandler()` and `llmeterServing()` stay
 * explicit: where they go in the middleware chain is the application's choice.
 */
export class ExpressInstrumentation extends InstrumentationBase<ExpressInstrumentationConfig> {
  constructor(config: ExpressInstrumentationConfig = {}) {
    super(INSTRUMENTATION_SCOPE, PACKAGE_VERSION, config);
  }

  protected init() {
    return new InstrumentationNodeModuleDefinition(
      'express',
      SUPPORTED_VERSIONS,
      (exports) => {
        this.patchApplication(exports);
        return exports;
      },
      (exports) => {
        unpatchApplication(exports);
      },
    );
  }

  private patchApplication(exports: unknown): void {
    try {
      const proto = applicationOf(exports);
      const original = proto?.init;
      if (!proto || typeof original !== 'function') {
        warnOnce('express.module-shape', 'ExpressInstrumentation: no express.application.init');
        return;
      }
      if (original[WRAPPED_INIT]) return;
      const instrumentation = this;
      const init: Init = function llmeterInit(this: AppLike, ...args: unknown[]) {
        const result = Reflect.apply(original, this, args);
        try {
          const { enabled: _enabled, ...options } = instrumentation.getConfig();
          this.use(llmeterMiddleware(options));
        } catch (error) {
          reportInternalError('express.instrumentation', error);
        }
        return result;
      };
      Object.defineProperty(init, WRAPPED_INIT, { value: original });
      proto.init = init;
    } catch (error) {
      reportInternalError('express.patch', error);
    }
  }
}

function unpatchApplication(exports: unknown): void {
  const proto = applicationOf(exports);
  const original = proto?.init?.[WRAPPED_INIT];
  if (proto && original) proto.init = original;
}
