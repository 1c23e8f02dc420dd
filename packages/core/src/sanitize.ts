import { warnOnce } from './internal-log';
import { scrubbed, scrubbedName } from './secrets';
import type { Usage } from './types';

/** Longest model, tool, agent or server name kept (metric labels must stay bounded). */
export const MAX_NAME_LENGTH = 256;
/** A token count above this is a provider bug, not usage. */
const MAX_TOKEN_COUNT = 2 ** 40;

/**
 * A bounded, scrubbed string, or undefined for anything that is not a
 * non-empty string. Names come from requests and responses too (a response
 * model, an id) and become span attributes and metric labels; scrubbed once
 * per distinct name (see scrubbedName).
 */
export function name(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  return scrubbedName(value, MAX_NAME_LENGTH);
}

/**
 * `name()` for identifiers (response, call, request, session ids): unique per
 * operation, so remembering them would only push the names out of the cache.
 */
export function id(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  return scrubbed(value, MAX_NAME_LENGTH);
}

export function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function port(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}

function tokenCount(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 0 &&
    value <= MAX_TOKEN_COUNT
  ) {
    return Math.round(value);
  }
  warnOnce(`usage:${field}`, `dropping an invalid ${field} token count`, {
    value: scrubbed(String(value), 64), // a response's value: it could be anything
  });
  return undefined;
}

/** Usage with every count a sane non-negative integer or absent. */
export function usage(value: unknown): Usage | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const u = value as Record<string, unknown>;
  const out: Usage = {};
  const input = tokenCount(u.inputTokens, 'input');
  const output = tokenCount(u.outputTokens, 'output');
  const cacheRead = tokenCount(u.cacheReadInputTokens, 'cache_read');
  const cacheCreation = tokenCount(u.cacheCreationInputTokens, 'cache_creation');
  const reasoning = tokenCount(u.reasoningOutputTokens, 'reasoning');
  if (input !== undefined) out.inputTokens = input;
  if (output !== undefined) out.outputTokens = output;
  if (cacheRead !== undefined) out.cacheReadInputTokens = cacheRead;
  if (cacheCreation !== undefined) out.cacheCreationInputTokens = cacheCreation;
  if (reasoning !== undefined) out.reasoningOutputTokens = reasoning;
  if (u.estimated === true) out.estimated = true;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Most strings kept of a list (finish reasons, stop sequences). */
const MAX_LIST_LENGTH = 64;

/**
 * The first MAX_LIST_LENGTH names of a list, or undefined if none. One array
 * and no intermediates (map, filter and slice made three): it runs on every
 * operation's finish reasons.
 */
export function stringArray(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  let out: string[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const s = name(value[i]);
    if (s === undefined) continue;
    out ??= [];
    if (out.push(s) === MAX_LIST_LENGTH) break;
  }
  return out;
}
