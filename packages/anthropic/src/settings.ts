import { getLLMeter } from '@llmeter/core';
import { registerSecret } from '@llmeter/core/internal';
import { CLIENT_SETTINGS, PROVIDER, PROVIDER_BY_CLIENT_CLASS } from './constants';
import type { InstrumentAnthropicOptions } from './types';

/** What a wrapped call needs to know about the client it goes through. */
export interface ClientInfo {
  readonly baseURL: unknown;
  readonly settings: InstrumentAnthropicOptions | undefined;
  readonly provider: string;
  readonly serverAddress: string | undefined;
  readonly serverPort: number | undefined;
}

type ClientLike = {
  baseURL?: unknown;
  apiKey?: unknown;
  authToken?: unknown;
  [CLIENT_SETTINGS]?: InstrumentAnthropicOptions;
};

/**
 * Read once per client, not per call (`new URL()` costs more than the rest of
 * an operation's start); read again when its baseURL or settings change. A
 * client from `withOptions()` is a new object, so a new entry.
 */
const cache = new WeakMap<object, ClientInfo>();

const UNKNOWN: ClientInfo = {
  baseURL: undefined,
  settings: undefined,
  provider: PROVIDER.ANTHROPIC,
  serverAddress: undefined,
  serverPort: undefined,
};

export function clientInfo(client: unknown): ClientInfo {
  if (client === null || typeof client !== 'object') return UNKNOWN;
  const c = client as ClientLike;
  const settings = c[CLIENT_SETTINGS];
  const known = cache.get(client);
  if (known && known.baseURL === c.baseURL && known.settings === settings) return known;
  // Core then scrubs these from any error message it records; they are never recorded themselves.
  registerSecret(c.apiKey);
  registerSecret(c.authToken);
  const info: ClientInfo = {
    baseURL: c.baseURL,
    settings,
    provider: settings?.provider || providerOfClass(client),
    ...server(c.baseURL),
  };
  cache.set(client, info);
  return info;
}

function server(baseURL: unknown): Pick<ClientInfo, 'serverAddress' | 'serverPort'> {
  if (typeof baseURL !== 'string') return { serverAddress: undefined, serverPort: undefined };
  try {
    const url = new URL(baseURL);
    if (url.password) registerSecret(decodeURIComponent(url.password));
    return {
      serverAddress: url.hostname.replace(/^\[(.*)\]$/, '$1') || undefined,
      serverPort: url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443,
    };
  } catch {
    // Not a URL: leave server.* unset rather than guess.
    return { serverAddress: undefined, serverPort: undefined };
  }
}

/** Bedrock and Vertex clients subclass the SDK's base client: tell them apart by class name. */
function providerOfClass(client: object): string {
  for (let proto = Object.getPrototypeOf(client); proto; proto = Object.getPrototypeOf(proto)) {
    const provider = PROVIDER_BY_CLIENT_CLASS[proto.constructor?.name];
    if (provider) return provider;
  }
  return PROVIDER.ANTHROPIC;
}

/** Content is built only when llmeter records it and this client does not opt out. */
export function captureContentFor(settings: InstrumentAnthropicOptions | undefined): boolean {
  return settings?.captureContent !== false && getLLMeter()?.config.captureContent === true;
}
