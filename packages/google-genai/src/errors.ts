import { ERROR_TYPE } from './constants';

/** Google's canonical status in an `ApiError` message (`"status": "RESOURCE_EXHAUSTED"`, `got status: UNAVAILABLE.`). */
const GOOGLE_STATUS = /"status"\s*:\s*"([A-Z][A-Z_]{1,39})"|^got status: ([A-Z][A-Z_]{1,39})\./;

/**
 * `error.type` of a failed call, where the SDK's own class says too little:
 * every HTTP error is an `ApiError`, so its Google status (`RESOURCE_EXHAUSTED`,
 * `UNAVAILABLE`, `INVALID_ARGUMENT`: the error code the provider returns, as
 * the conventions ask), else its HTTP status (`429`); an abort or timeout by
 * the error's name. Undefined: core's default (the error's class name).
 */
export function errorTypeOf(error: unknown): string | undefined {
  try {
    const e = error as { name?: unknown; status?: unknown; message?: unknown } | null;
    if (e === null || typeof e !== 'object') return undefined;
    if (e.name === ERROR_TYPE.ABORTED || e.name === ERROR_TYPE.TIMEOUT) return e.name;
    if (e.name !== 'ApiError' || typeof e.status !== 'number') return undefined;
    const message = typeof e.message === 'string' ? e.message.slice(0, 4096) : '';
    const match = GOOGLE_STATUS.exec(message);
    return match?.[1] ?? match?.[2] ?? String(e.status);
  } catch {
    return undefined; // an error object with throwing getters: core's default
  }
}
