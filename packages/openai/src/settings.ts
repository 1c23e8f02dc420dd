import { getLLMeter } from '@llmeter/core';
import { registerSecret } from '@llmeter/core/internal';
import { CLIENT_SETTINGS, DEFAULT_SETTINGS, PROVIDER } from './constants';
import type { InstrumentOpenAIOptions } from './types';

/** What the wrappers need to know about the client a call goes through. */
export interface ClientInfo {
  readonly baseURL: unknown;
  readonly settings: InstrumentOpenAIOptions | undefined;
  readonly provider: string;
  readonly serverAddress: string | undefined;
  readonly serverPort: number | undefined;
}

type ClientLike = { baseURL?: unknown; [CLIENT_SETTINGS]?: InstrumentOpenAIOptions };

/** On globalThis: the ESM and CommonJS builds of this package patch one prototype between them. */
const defaults = globalThis as typeof globalThis & { [DEFAULT_SETTINGS]?: InstrumentOpenAIOptions };

/**
 * The options of clients that `instrumentOpenAI()` did not configure (clients
 * measured through `OpenAIInstrumentation`'s patch): that instrumentation's.
 */
export function setDefaultSettings(settings: InstrumentOpenAIOptions | undefined): void {
  defaults[DEFAULT_SETTINGS] = settings;
}

/**
 * Parsed once per client, not per call: `new URL()` costs more than the rest
 * of the start of an operation. Re-read when the client's baseURL or settings
 * change (a client from `withOptions()` is a new object, so a new entry).
 */
const cache = new WeakMap<object, ClientInfo>();

const UNKNOWN: ClientInfo = {
  baseURL: undefined,
  settings: undefined,
  provider: PROVIDER.OPENAI,
  serverAddress: undefined,
  serverPort: undefined,
};

export function clientInfo(client: unknown): ClientInfo {
  if (client === null || typeof client !== 'object') return UNKNOWN;
  const c = client as ClientLike;
  const settings = c[CLIENT_SETTINGS] ?? defaults[DEFAULT_SETTINGS];
  const cached = cache.get(client);
  if (cached && cached.baseURL === c.baseURL && cached.settings === settings) return cached;
  const info = describeClient(client, settings);
  cache.set(client, info);
  return info;
}

function describeClient(client: object, settings: InstrumentOpenAIOptions | undefined): ClientInfo {
  const baseURL = (client as ClientLike).baseURL;
  // Once per client: core then scrubs the key from any error message it records
  // (a gateway may echo the key it rejected). The key itself is never recorded.
  registerSecret((client as { apiKey?: unknown }).apiKey);
  let serverAddress: string | undefined;
  let serverPort: number | undefined;
  if (typeof baseURL === 'string') {
    try {
      const url = new URL(baseURL);
      registerSecret(url.password ? decodeURIComponent(url.password) : undefined);
      serverAddress = url.hostname.replace(/^\[(.*)\]$/, '$1') || undefined;
      serverPort = url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
    } catch {
      // Not a URL: leave server.* unset rather than guess.
    }
  }
  return {
    baseURL,
    settings,
    provider: settings?.provider || (isAzure(client) ? PROVIDER.AZURE_OPENAI : PROVIDER.OPENAI),
    serverAddress,
    serverPort,
  };
}

/** AzureOpenAI subclasses OpenAI; tell them apart by class name, without importing `openai`. */
function isAzure(client: object): boolean {
  for (let proto = Object.getPrototypeOf(client); proto; proto = Object.getPrototypeOf(proto)) {
    if (proto.constructor?.name === 'AzureOpenAI') return true;
  }
  return false;
}

/** Content is built only when llmeter records it and this client does not opt out. */
export function captureContentFor(settings: InstrumentOpenAIOptions | undefined): boolean {
  return settings?.captureContent !== false && getLLMeter()?.config.captureContent === true;
}

export function streamIncludeUsageFor(settings: InstrumentOpenAIOptions | undefined): boolean {
  return settings?.streamIncludeUsage ?? getLLMeter()?.config.streamIncludeUsage === true;
}
