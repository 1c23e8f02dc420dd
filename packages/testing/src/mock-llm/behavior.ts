import type { IncomingHttpHeaders } from 'node:http';
import type { MockLLMBehavior } from '../types.js';

const DATED = /-\d{4}-\d{2}-\d{2}$|-\d{4}$/;
/** The date the default mapping appends: gpt-4o-mini's real snapshot date. */
const SNAPSHOT_DATE = '2024-07-18';

/**
 * OpenAI answers with the dated snapshot it served (`gpt-4o-mini` →
 * `gpt-4o-mini-2024-07-18`), which is why gen_ai.request.model and
 * gen_ai.response.model differ. Embedding models and names that already end
 * in a date are echoed unchanged, as OpenAI does.
 */
export function defaultResponseModel(requestModel: string): string {
  if (requestModel === '' || DATED.test(requestModel) || requestModel.includes('embedding')) {
    return requestModel;
  }
  return `${requestModel}-${SNAPSHOT_DATE}`;
}

export const DEFAULT_MODELS = [
  'gpt-4o-mini',
  'gpt-4o',
  'gpt-4.1-mini',
  'o3-mini',
  'text-embedding-3-small',
];

export function defaultBehavior(): MockLLMBehavior {
  return {
    firstChunkDelayMs: 0,
    chunkDelayMs: 0,
    chunks: 8,
    content: undefined,
    finishReason: 'stop',
    errorStatus: undefined,
    errorTimes: undefined,
    retryAfterSeconds: 1,
    hang: false,
    malformed: false,
    failAfterChunks: undefined,
    toolCall: 'auto',
    toolArguments: undefined,
    responseErrorCode: undefined,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    responseModel: defaultResponseModel,
    embeddingDimensions: 8,
    models: [...DEFAULT_MODELS],
    reply: undefined,
  };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function intHeader(headers: IncomingHttpHeaders, name: string): number | undefined {
  const value = header(headers, name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}

function flagHeader(headers: IncomingHttpHeaders, name: string): boolean | undefined {
  const value = header(headers, name);
  return value === undefined ? undefined : value === '1' || value.toLowerCase() === 'true';
}

function jsonHeader(
  headers: IncomingHttpHeaders,
  name: string,
): Record<string, unknown> | undefined {
  const value = header(headers, name);
  if (value === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed !== null && typeof parsed === 'object'
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The knobs for one request: the global ones overridden by its `x-mock-*` headers. */
export function behaviorFor(
  global: MockLLMBehavior,
  headers: IncomingHttpHeaders,
): MockLLMBehavior {
  const b: MockLLMBehavior = { ...global };
  const responseModel = header(headers, 'x-mock-response-model');
  const overrides: Partial<MockLLMBehavior> = {
    firstChunkDelayMs: intHeader(headers, 'x-mock-first-chunk-delay-ms'),
    chunkDelayMs: intHeader(headers, 'x-mock-chunk-delay-ms'),
    chunks: intHeader(headers, 'x-mock-chunks'),
    content: header(headers, 'x-mock-content'),
    finishReason: header(headers, 'x-mock-finish-reason'),
    errorStatus: intHeader(headers, 'x-mock-error-status'),
    retryAfterSeconds: intHeader(headers, 'x-mock-retry-after'),
    hang: flagHeader(headers, 'x-mock-hang'),
    malformed: flagHeader(headers, 'x-mock-malformed'),
    failAfterChunks: intHeader(headers, 'x-mock-fail-after-chunks'),
    toolCall: header(headers, 'x-mock-tool-call'),
    toolArguments: jsonHeader(headers, 'x-mock-tool-arguments'),
    responseErrorCode: header(headers, 'x-mock-response-error-code'),
    cachedTokens: intHeader(headers, 'x-mock-cached-tokens'),
    cacheWriteTokens: intHeader(headers, 'x-mock-cache-write-tokens'),
    reasoningTokens: intHeader(headers, 'x-mock-reasoning-tokens'),
    responseModel: responseModel === undefined ? undefined : () => responseModel,
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (b as unknown as Record<string, unknown>)[key] = value;
  }
  return b;
}
