import { warnOnce } from './internal-log';

/**
 * Environment parsing that tells "unset" (undefined) from every set value, and
 * answers a bad value with one warning and `undefined` (so the default applies)
 * instead of an exception.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export function envString(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const value = raw.trim();
  return value === '' ? undefined : value;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

export function envBoolean(env: Env, name: string): boolean | undefined {
  const value = envString(env, name)?.toLowerCase();
  if (value === undefined) return undefined;
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  warnOnce(`env:${name}`, `ignoring ${name}: expected true or false`, { value });
  return undefined;
}

export function envNumber(
  env: Env,
  name: string,
  check: (n: number) => boolean = (n) => n >= 0,
): number | undefined {
  const value = envString(env, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (Number.isFinite(n) && check(n)) return n;
  warnOnce(`env:${name}`, `ignoring ${name}: not a valid number`, { value });
  return undefined;
}

export function envList(env: Env, name: string): string[] | undefined {
  const value = envString(env, name);
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

/** `key1=value1,key2=value2` as used by OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS. */
export function envKeyValues(env: Env, name: string): Record<string, string> | undefined {
  const value = envString(env, name);
  if (value === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const pair of value.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      if (pair.trim()) warnOnce(`env:${name}:${pair}`, `ignoring a malformed entry in ${name}`);
      continue;
    }
    try {
      out[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(
        pair.slice(eq + 1).trim(),
      );
    } catch {
      warnOnce(`env:${name}:${pair}`, `ignoring an entry of ${name} that is not URL-encoded`);
    }
  }
  return out;
}

/** The first of the values that is not undefined. */
export function pick<T>(...values: Array<T | undefined>): T | undefined {
  for (const v of values) if (v !== undefined) return v;
  return undefined;
}
