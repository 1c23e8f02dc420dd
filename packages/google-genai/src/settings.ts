import { getLLMeter } from '@llmeter/core';
import { registerSecret } from '@llmeter/core/internal';
import { CLIENT_SETTINGS, PROVIDER } from './constants';
import type { InstrumentGoogleGenAIOptions } from './types';

/** What the wrappers need to know about the client a call goes through. */
export interface ClientInfo {
  readonly baseUrl: unknown;
  readonly settings: InstrumentGoogleGenAIOptions | undefined;
  readonly provider: string;
  readonly serverAddress: string | undefined;
  readonly serverPort: number | undefined;
}

interface ApiClientLike {
  isVertexAI?: () => unknown;
  getBaseUrl?: () => unknown;
  getApiKey?: () => unknown;
}

type ModelsLike = { apiClient?: ApiClientLike; [CLIENT_SETTINGS]?: InstrumentGoogleGenAIOptions };

/**
 * Parsed once per `Models` object, not per call (`new URL()` costs more than
 * the rest of the start of an operation); re-read when its base URL or
 * settings change.
 */
const cache = new WeakMap<object, ClientInfo>();

const UNKNOWN: ClientInfo = {
  baseUrl: undefined,
  settings: undefined,
  provider: PROVIDER.GEMINI,
  serverAddress: undefined,
  serverPort: undefined,
};

function call(api: ApiClientLike | undefined, method: keyof ApiClientLike): unknown {
  try {
    const fn = api?.[method];
    return typeof fn === 'function' ? Reflect.apply(fn, api, []) : undefined;
  } catch {
    return undefined; // getBaseUrl() throws when the SDK has none set
  }
}

/** The client of a call, described from the `Models` object it was made on (`this` of the method). */
export function clientInfo(models: unknown): ClientInfo {
  if (models === null || typeof models !== 'object') return UNKNOWN;
  const m = models as ModelsLike;
  const api = m.apiClient;
  const settings = m[CLIENT_SETTINGS];
  const baseUrl = call(api, 'getBaseUrl');
  const cached = cache.get(models);
  if (cached && cached.baseUrl === baseUrl && cached.settings === settings) return cached;
  const info = describe(api, baseUrl, settings);
  cache.set(models, info);
  return info;
}

function describe(
  api: ApiClientLike | undefined,
  baseUrl: unknown,
  settings: InstrumentGoogleGenAIOptions | undefined,
): ClientInfo {
  // Once per client: core then scrubs the key from any error message it records.
  registerSecret(call(api, 'getApiKey'));
  let serverAddress: string | undefined;
  let serverPort: number | undefined;
  if (typeof baseUrl === 'string') {
    try {
      const url = new URL(baseUrl);
      registerSecret(url.password ? decodeURIComponent(url.password) : undefined);
      serverAddress = url.hostname.replace(/^\[(.*)\]$/, '$1') || undefined;
      serverPort = url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
    } catch {
      // Not a URL: leave server.* unset rather than guess.
    }
  }
  const vertex = call(api, 'isVertexAI') === true;
  return {
    baseUrl,
    settings,
    provider: settings?.provider || (vertex ? PROVIDER.VERTEX_AI : PROVIDER.GEMINI),
    serverAddress,
    serverPort,
  };
}

/** Content is built only when llmeter records it and this client does not opt out. */
export function captureContentFor(settings: InstrumentGoogleGenAIOptions | undefined): boolean {
  return settings?.captureContent !== false && getLLMeter()?.config.captureContent === true;
}
