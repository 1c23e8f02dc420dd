import { errorType } from '@llmeter/core/internal';
import { ERROR_TYPE } from '../constants';
import { num, obj } from './values';

/**
 * A low-cardinality `error.type` for an AI SDK failure: the HTTP status of a
 * provider's `APICallError` (`429`, `500`), as semconv suggests for HTTP
 * errors; the last attempt's of a `RetryError`; `AbortError` for an abort;
 * otherwise core's rule (the error's class name).
 */
export function errorTypeOf(error: unknown): string {
  try {
    const e = obj(error);
    if (e) {
      const last = obj(e.lastError);
      const target = e.name === 'AI_RetryError' && last ? last : e;
      const status = num(target.statusCode);
      if (status !== undefined && status >= 100 && status < 600) return String(status);
      // A DOMException's class name says nothing: its name (`AbortError`, `TimeoutError`) does.
      if (target.name === ERROR_TYPE.ABORTED || target.name === 'TimeoutError') return target.name;
      return errorType(target);
    }
  } catch {
    // a hostile error object: fall through to core's fallback
  }
  return errorType(error);
}
