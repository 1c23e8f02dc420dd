import { getLLMeter } from '@llmeter/core';
import { positiveNumber } from '@llmeter/core/internal';
import { DEFAULT_AGENT_NAME, DEFAULT_MAX_RUNS, DEFAULT_RUN_TTL_MS } from './constants';
import type { ChainRunInfo, LLMeterCallbackHandlerOptions } from './types';

/** The handler's options, checked once at construction (bad values fall back to defaults). */
export interface Settings {
  agentName: string;
  agentRunNames: ReadonlySet<string>;
  isAgentRun: ((run: ChainRunInfo) => string | boolean | undefined) | undefined;
  langGraphAgents: boolean;
  chainSpans: boolean;
  /** Chains run by an agent get spans too (`chainSpans: true`); else they are passed through. */
  chainSpansInAgents: boolean;
  captureContent: boolean | undefined;
  provider: string | undefined;
  estimatedUsage: boolean;
  maxRuns: number;
  runTtlMs: number;
  /** OPENAI_BASE_URL as the OpenAI SDK under ChatOpenAI reads it (not serialized by LangChain). */
  openAIBaseUrl: string | undefined;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function resolveSettings(options: LLMeterCallbackHandlerOptions | undefined): Settings {
  const o = options && typeof options === 'object' ? options : {};
  return {
    agentName: nonEmpty(o.agentName) ?? DEFAULT_AGENT_NAME,
    agentRunNames: new Set(
      Array.isArray(o.agentRunNames) ? o.agentRunNames.filter((n) => typeof n === 'string') : [],
    ),
    isAgentRun: typeof o.isAgentRun === 'function' ? o.isAgentRun : undefined,
    langGraphAgents: o.langGraphAgents !== false,
    chainSpans: o.chainSpans !== false,
    chainSpansInAgents: o.chainSpans === true,
    captureContent: typeof o.captureContent === 'boolean' ? o.captureContent : undefined,
    provider: nonEmpty(o.provider),
    estimatedUsage: o.estimatedUsage === true,
    maxRuns: Math.floor(positiveNumber(o.maxRuns) ?? DEFAULT_MAX_RUNS),
    runTtlMs: positiveNumber(o.runTtlMs) ?? DEFAULT_RUN_TTL_MS,
    openAIBaseUrl: nonEmpty(process.env.OPENAI_BASE_URL),
  };
}

/**
 * Whether content is recorded: core's switch, unless this handler opted out.
 * Asked per run so that building message copies costs nothing when it is off.
 */
export function captureOn(settings: Settings): boolean {
  if (settings.captureContent === false) return false;
  return getLLMeter()?.config?.captureContent === true;
}

/** The settings for a chain an agent runs: no span of its own (see `chainSpans`). */
export function insideAgentSettings(settings: Settings): Settings {
  return settings.chainSpansInAgents ? settings : { ...settings, chainSpans: false };
}
