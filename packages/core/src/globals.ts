/**
 * Whether the application already registered an OpenTelemetry global. The API
 * keeps its globals under a versioned symbol; reading it is the only way to ask
 * without side effects (registering a second time fails and logs an error).
 */
const API_GLOBAL_KEY = Symbol.for('opentelemetry.js.api.1');

export type OtelGlobal = 'trace' | 'metrics' | 'context' | 'propagation';

export function hasGlobal(kind: OtelGlobal): boolean {
  const registry = (globalThis as Record<symbol, Record<string, unknown> | undefined>)[
    API_GLOBAL_KEY
  ];
  return registry?.[kind] !== undefined;
}
