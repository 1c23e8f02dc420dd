import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { ATTR, ERROR_TYPE_OTHER } from './constants';
import { looksSecret, scrubbed } from './secrets';

/**
 * The one way llmeter records a failure: `error.type`, span status and the
 * exception event, and the scrubbed copy of an error its internal log
 * writes. Adapters never call `span.recordException` themselves; what leaves
 * the process of an error goes through here, scrubbed, and the caller's
 * error object is never touched.
 */

/** Longest status message / exception message kept, after scrubbing. */
export const MAX_ERROR_MESSAGE = 1024;
/** Longest exception stack trace kept, after scrubbing. */
export const MAX_ERROR_STACK = 8192;

/**
 * Error types providers put in their error bodies, the only body-borne
 * values `error.type` may take: OpenAI (`type` and the Responses `code`),
 * Anthropic (`error.type`), Google (the gRPC status names). A value from a
 * response that is not here is not a type but data, and could be anything.
 */
const PROVIDER_ERROR_TYPES: ReadonlySet<string> = new Set([
  // OpenAI error `type`s and common `code`s
  'invalid_request_error',
  'authentication_error',
  'permission_error',
  'not_found_error',
  'rate_limit_error',
  'insufficient_quota',
  'server_error',
  'api_error',
  'requests',
  'tokens',
  'invalid_api_key',
  'model_not_found',
  'context_length_exceeded',
  'rate_limit_exceeded',
  // OpenAI Responses `error.code`
  'invalid_prompt',
  'data_residency_mismatch',
  'bio_policy',
  'misalignment_policy_violation',
  'vector_store_timeout',
  'invalid_image',
  'invalid_image_format',
  'invalid_base64_image',
  'invalid_image_url',
  'image_too_large',
  'image_too_small',
  'image_parse_error',
  'image_content_policy_violation',
  'invalid_image_mode',
  'image_file_too_large',
  'unsupported_image_media_type',
  'empty_image_file',
  'failed_to_download_image',
  'image_file_not_found',
  // Anthropic
  'billing_error',
  'request_too_large',
  'overloaded_error',
  'timeout_error',
  // Google (gRPC status names, as Gemini's error.status carries them)
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
]);

/** A class name or a snake_case type: letters, digits, `_`, `$`, `.`; at most 64 characters. */
const TYPE_SHAPE = /^[A-Za-z_$][A-Za-z0-9_$.]{0,63}$/;
/** An HTTP status code: a type from a known set of its own. */
const HTTP_STATUS = /^[1-5][0-9]{2}$/;
/** A numeric code as a protocol defines it (JSON-RPC's `-32602`, as MCP's conventions ask). */
const NUMERIC_CODE = /^-?[0-9]{1,6}$/;

/** Whether a string may be an `error.type`: type-shaped and nothing the scrubber would touch. */
function typeShaped(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    (TYPE_SHAPE.test(value) || NUMERIC_CODE.test(value)) &&
    !looksSecret(value)
  );
}

/**
 * A provider error type or HTTP status taken from a response, or undefined
 * for anything outside the known set (the caller then falls back).
 */
export function providerErrorType(value: unknown): string | undefined {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 100 && value < 600 ? String(value) : undefined;
  }
  if (typeof value !== 'string') return undefined;
  return PROVIDER_ERROR_TYPES.has(value) || HTTP_STATUS.test(value) ? value : undefined;
}

/**
 * `error.type` for a failure, the same for the same failure on every path:
 * the adapter's explicit type when it is type-shaped (adapters pass their
 * constants, HTTP statuses, numeric protocol codes, or `providerErrorType()`
 * of a body), else the
 * error's class name (`RateLimitError`), else the `name` of an Error
 * (`Error` for a plain `new Error()`), else `_OTHER` (a thrown string, a
 * plain object). Never `error.code` or any other property: those come from
 * response bodies and could hold anything, a key included.
 */
export function errorType(error: unknown, explicit?: string): string {
  if (explicit !== undefined && typeShaped(explicit)) return explicit;
  try {
    return classOf(error) ?? ERROR_TYPE_OTHER;
  } catch {
    return ERROR_TYPE_OTHER; // an error object with throwing getters
  }
}

/** The error's class name, for an Error its `name`, or undefined. */
function classOf(error: unknown): string | undefined {
  if (error === null || (typeof error !== 'object' && typeof error !== 'function')) {
    return undefined;
  }
  const ctor = (error as { constructor?: { name?: unknown } }).constructor?.name;
  if (ctor !== 'Object' && ctor !== 'Error' && typeShaped(ctor)) return ctor;
  if (error instanceof Error) {
    const name = error.name;
    return typeShaped(name) ? name : 'Error';
  }
  return undefined;
}

/** The error's message, scrubbed then bounded; never throws. */
export function errorMessage(error: unknown): string {
  try {
    const text = error instanceof Error ? error.message : String(error);
    return scrubbed(typeof text === 'string' ? text : String(text), MAX_ERROR_MESSAGE);
  } catch {
    return 'unprintable error';
  }
}

function errorStack(error: unknown): string | undefined {
  try {
    const stack = error instanceof Error ? error.stack : undefined;
    return typeof stack === 'string' ? scrubbed(stack, MAX_ERROR_STACK) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An exception event on `span`, scrubbed: type, message and stack. The SDK
 * would read `code` off the error as the exception type; this never hands
 * it the error itself.
 */
export function recordException(span: Span, error: unknown, type?: string): void {
  if (!span.isRecording()) return;
  const stack = errorStack(error);
  span.recordException({
    name: type ?? errorType(error),
    message: errorMessage(error),
    ...(stack !== undefined && { stack }),
  });
}

/**
 * Marks a span failed: `error.type`, status ERROR with the scrubbed message,
 * and the exception event. With no error object (a 5xx response), the type
 * and status only.
 */
export function failSpan(span: Span, error: unknown, type: string = errorType(error)): void {
  if (!span.isRecording()) return;
  span.setAttribute(ATTR.ERROR_TYPE, type);
  if (error === undefined) {
    span.setStatus({ code: SpanStatusCode.ERROR });
    return;
  }
  span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) });
  // exception.type is the error's class; for a thrown non-Error (a Responses body's error
  // object), the operation's type, as before.
  const own = errorType(error);
  recordException(span, error, own === ERROR_TYPE_OTHER ? type : own);
}

const MAX_LOGGED_PROPERTIES = 16;
const MAX_LOGGED_VALUE = 256;

/**
 * A plain, scrubbed copy of an error for a log line: pino's `err` shape
 * (`type`, `message`, `stack`, own properties), each string scrubbed and
 * bounded, nested values summarised. The original is left untouched.
 */
export function scrubbedError(error: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: errorType(error),
    message: errorMessage(error),
  };
  const stack = errorStack(error);
  if (stack !== undefined) out.stack = stack;
  try {
    if (error !== null && typeof error === 'object') {
      let n = 0;
      for (const key of Object.keys(error)) {
        if (key === 'message' || key === 'stack' || key === 'type') continue;
        if (++n > MAX_LOGGED_PROPERTIES) break;
        out[scrubbed(key, 64)] = loggedValue((error as Record<string, unknown>)[key]);
      }
    }
  } catch {
    // a throwing getter or a revoked proxy: what was read so far is enough
  }
  return out;
}

function loggedValue(value: unknown): unknown {
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return value;
  if (typeof value === 'string') return scrubbed(value, MAX_LOGGED_VALUE);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // circular or unserialisable
  }
  return scrubbed(text ?? Object.prototype.toString.call(value), MAX_LOGGED_VALUE);
}
