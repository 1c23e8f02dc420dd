import type { RequestParams } from '@llmeter/core';
import {
  AZURE_INSTANCE_KEYS,
  BASE_URL_PATHS,
  DEFAULT_SERVER,
  META,
  OLLAMA_PORT,
  PROVIDER_BY_CLASS,
  PROVIDER_BY_HOST,
  PROVIDER_BY_LS,
} from './constants';
import { asRecord, asString, finite, lastId } from './util';

/** What a model run's start says about where the request goes. */
export interface ModelTarget {
  provider: string;
  requestModel: string | undefined;
  serverAddress: string | undefined;
  serverPort: number | undefined;
  request: RequestParams;
}

/**
 * Provider, model, server and request parameters of a chat model or LLM run,
 * from whatever LangChain exposes at start: `metadata` (`ls_provider`,
 * `ls_model_name`, ... set by every integration), `extraParams.invocation_params`
 * (the provider request's parameters), and the serialized constructor fields
 * (`serialized.kwargs`: model, base URL). Secrets never appear there: LangChain
 * serializes them as references.
 */
export function detectTarget(
  serialized: unknown,
  extraParams: unknown,
  metadata: unknown,
  configuredProvider: string | undefined,
  envBaseUrl: string | undefined,
): ModelTarget {
  const meta = asRecord(metadata);
  const kwargs = asRecord(asRecord(serialized).kwargs);
  const extra = asRecord(extraParams);
  const params = asRecord(extra.invocation_params);
  const className = lastId(serialized);

  const classProvider = className ? PROVIDER_BY_CLASS[className] : undefined;
  const lsProvider = asString(meta[META.LS_PROVIDER])?.toLowerCase();
  let provider = (lsProvider && PROVIDER_BY_LS[lsProvider]) ?? classProvider;

  let baseUrl = findBaseUrl(kwargs);
  if (!baseUrl && (provider === 'openai' || classProvider === 'openai')) baseUrl = envBaseUrl;
  const server = parseServer(baseUrl);
  if (server && (provider === undefined || provider === 'openai')) {
    // An OpenAI-compatible client pointed elsewhere is that server's provider.
    provider = providerOfHost(server.host, server.port) ?? configuredProvider ?? provider;
  }
  provider ??= configuredProvider ?? lsProvider ?? 'openai';

  let serverAddress = server?.host;
  let serverPort = server?.port;
  if (serverAddress === undefined) {
    const azure = azureHost(kwargs);
    const fallback = azure ? ([azure, 443] as const) : DEFAULT_SERVER[provider];
    if (fallback) [serverAddress, serverPort] = fallback;
  }

  return {
    provider,
    requestModel: modelOf(meta, params, kwargs),
    serverAddress,
    serverPort,
    request: requestParams(params, asRecord(extra.options), meta),
  };
}

function modelOf(
  meta: Record<string, unknown>,
  params: Record<string, unknown>,
  kwargs: Record<string, unknown>,
): string | undefined {
  return (
    asString(params.model) ??
    asString(params.model_name) ??
    asString(params.modelName) ??
    asString(params.model_id) ??
    asString(params.modelId) ??
    asString(meta[META.LS_MODEL_NAME]) ??
    asString(kwargs.model) ??
    asString(kwargs.model_name) ??
    asString(kwargs.modelName) ??
    asString(kwargs.deployment_name) ??
    asString(kwargs.azure_open_ai_api_deployment_name)
  );
}

/** Request parameters in the shapes OpenAI, Anthropic, Google, Mistral and Ollama integrations use. */
function requestParams(
  params: Record<string, unknown>,
  callOptions: Record<string, unknown>,
  meta: Record<string, unknown>,
): RequestParams {
  const ollama = asRecord(params.options);
  const gen = asRecord(params.generationConfig ?? params.generation_config);
  const out: RequestParams = {};
  const maxTokens = firstNumber(
    params.max_tokens,
    params.max_completion_tokens,
    params.maxTokens,
    params.max_output_tokens,
    params.maxOutputTokens,
    gen.maxOutputTokens,
    ollama.num_predict,
    meta[META.LS_MAX_TOKENS],
  );
  if (maxTokens !== undefined) out.maxTokens = maxTokens;
  const temperature = firstNumber(
    params.temperature,
    gen.temperature,
    ollama.temperature,
    meta[META.LS_TEMPERATURE],
  );
  if (temperature !== undefined) out.temperature = temperature;
  const topP = firstNumber(params.top_p, params.topP, gen.topP, ollama.top_p);
  if (topP !== undefined) out.topP = topP;
  const frequency = firstNumber(params.frequency_penalty, params.frequencyPenalty);
  if (frequency !== undefined) out.frequencyPenalty = frequency;
  const presence = firstNumber(params.presence_penalty, params.presencePenalty);
  if (presence !== undefined) out.presencePenalty = presence;
  const seed = firstNumber(params.seed, params.random_seed, params.randomSeed, ollama.seed);
  if (seed !== undefined) out.seed = seed;
  const n = firstNumber(params.n, params.candidateCount, gen.candidateCount);
  if (n !== undefined) out.choiceCount = n;
  const stop = stopOf(
    params.stop ??
      params.stop_sequences ??
      params.stopSequences ??
      gen.stopSequences ??
      ollama.stop ??
      callOptions.stop ??
      meta[META.LS_STOP],
  );
  if (stop) out.stopSequences = stop;
  // Only a positive signal: `model.stream()` streams with `stream: false` in
  // the invocation params, so false would be a lie half the time.
  if (params.stream === true || params.streaming === true) out.stream = true;
  return out;
}

function firstNumber(...values: unknown[]): number | undefined {
  for (const value of values) {
    const n = finite(value);
    if (n !== undefined) return n;
  }
  return undefined;
}

function stopOf(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return undefined;
  const out = value.filter((v): v is string => typeof v === 'string');
  return out.length > 0 ? out : undefined;
}

function findBaseUrl(kwargs: Record<string, unknown>): string | undefined {
  for (const path of BASE_URL_PATHS) {
    let value: unknown = kwargs;
    for (const key of path) value = asRecord(value)[key];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}

function azureHost(kwargs: Record<string, unknown>): string | undefined {
  for (const key of AZURE_INSTANCE_KEYS) {
    const name = asString(kwargs[key]);
    if (name) return `${name}.openai.azure.com`;
  }
  return undefined;
}

/** Host and port of a base URL, the port defaulted from the scheme. */
export function parseServer(url: string | undefined): { host: string; port: number } | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    if (!host) return undefined;
    const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'http:' ? 80 : 443;
    return { host, port };
  } catch {
    return undefined;
  }
}

function providerOfHost(host: string, port: number): string | undefined {
  const lower = host.toLowerCase();
  for (const [suffix, provider] of PROVIDER_BY_HOST) {
    const isSuffix = suffix.startsWith('.') || suffix.startsWith('-');
    if (isSuffix ? lower.endsWith(suffix) : lower === suffix) return provider;
  }
  if (port === OLLAMA_PORT || lower.includes('ollama')) return 'ollama';
  return undefined;
}
