import { urlPath } from './http';
import type { LLMeterMiddlewareOptions, RequestLike } from './types';

/**
 * Paths that are not agent work and whose every hit would otherwise be a
 * SERVER span and an `invoke_agent` run: Prometheus scrapes and Kubernetes
 * (and load balancer) probes. `excludePaths` replaces this list.
 */
export const DEFAULT_EXCLUDED_PATHS: readonly string[] = Object.freeze([
  '/metrics',
  '/healthz',
  '/readyz',
  '/livez',
  '/health',
  '/ready',
  '/live',
  '/ping',
  '/favicon.ico',
]);

/**
 * Tags llmeter's /metrics handlers, so the middleware finds where the
 * application mounted them. A global symbol: the ESM and CJS builds may meet.
 */
const METRICS_HANDLER = Symbol.for('llmeter.express.metricsHandler');

export function markMetricsHandler<T extends object>(handler: T): T {
  (handler as Record<symbol, unknown>)[METRICS_HANDLER] = true;
  return handler;
}

interface Layer {
  handle?: unknown;
  route?: { path?: unknown; stack?: Layer[] };
}

/** The top-level layers of an Express 4 (`_router`) or 5 (`router`) app. */
function layersOf(app: unknown): Layer[] | undefined {
  const a = app as { _router?: { stack?: Layer[] }; router?: { stack?: Layer[] } };
  // Express 4's `app.router` getter throws ("deprecated"): read `_router` there.
  const router = '_router' in a ? a._router : a.router;
  return Array.isArray(router?.stack) ? router.stack : undefined;
}

/** Paths of the routes at the top of an app that end in llmeter's /metrics handler. */
function metricsRoutesOf(app: unknown): string[] {
  const paths: string[] = [];
  try {
    for (const layer of layersOf(app) ?? []) {
      const route = layer.route;
      if (typeof route?.path !== 'string' || !Array.isArray(route.stack)) continue;
      const served = route.stack.some(
        (l) => typeof l.handle === 'function' && METRICS_HANDLER in (l.handle as object),
      );
      if (served) paths.push(route.path);
    }
  } catch {
    // An app shaped unlike Express: the configured paths still apply.
  }
  return paths;
}

function normalise(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/**
 * Decides which requests the middleware leaves alone (no span, no agent):
 * the `ignore` predicate, the paths of `excludePaths` (default
 * DEFAULT_EXCLUDED_PATHS; strings match the exact path, a trailing slash
 * aside; regular expressions are tested against it), and wherever the
 * application mounted llmeter's `metricsHandler()`, found on the first
 * request from the app's routes. The path never includes the query string.
 */
export function requestFilter<Req extends RequestLike>(
  options: LLMeterMiddlewareOptions<Req>,
): (req: Req) => boolean {
  const list = options.excludePaths ?? DEFAULT_EXCLUDED_PATHS;
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const entry of list) {
    if (typeof entry === 'string') exact.add(normalise(entry));
    else if (entry instanceof RegExp) patterns.push(entry);
  }
  const scanned = new WeakSet<object>();
  const ignore = options.ignore;
  return (req) => {
    const app = (req as { app?: unknown }).app;
    if (typeof app === 'function' || (typeof app === 'object' && app !== null)) {
      if (!scanned.has(app)) {
        scanned.add(app);
        for (const path of metricsRoutesOf(app)) exact.add(normalise(path));
      }
    }
    if (exact.size > 0 || patterns.length > 0) {
      const path = normalise(urlPath(req));
      if (exact.has(path)) return true;
      for (const pattern of patterns) {
        pattern.lastIndex = 0;
        if (pattern.test(path)) return true;
      }
    }
    return ignore?.(req) === true;
  };
}
