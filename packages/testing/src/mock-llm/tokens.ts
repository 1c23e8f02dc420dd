import type { MockLLMBehavior } from '../types.js';

/*
 * Deterministic stand-ins for a tokenizer: the same request always gets the
 * same reply and the same usage, so tests can assert exact numbers.
 */

export type Json = Record<string, unknown>;

export const obj = (value: unknown): Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** About four characters a token, as OpenAI's own rule of thumb; 0 for no text. */
export function countTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * The text of a message `content`: a string, or an array of parts
 * (`{type:'text'|'input_text'|'output_text', text}`) as both APIs allow.
 */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  return list(content)
    .map((part) => (typeof part === 'string' ? part : String(obj(part).text ?? '')))
    .join('');
}

/** Eight words, so the default reply is one sentence; longer replies cycle it. */
const VOCABULARY = ['This', 'is', 'a', 'reply', 'from', 'the', 'mock', 'LLM.'];

/**
 * The reply as output tokens, one per streamed chunk: the `content` knob split
 * into words (each keeping its leading space), or `chunks` words cycled from a
 * fixed vocabulary.
 */
export function replyTokens(behavior: MockLLMBehavior): string[] {
  if (behavior.content !== undefined) return behavior.content.match(/\s*\S+\s*$|\s*\S+/g) ?? [];
  const tokens: string[] = [];
  for (let i = 0; i < behavior.chunks; i++) {
    const word = VOCABULARY[i % VOCABULARY.length] ?? 'token';
    tokens.push(i === 0 ? word : ` ${word}`);
  }
  return tokens;
}

/**
 * Splits tool-call arguments the way OpenAI streams them: runs of JSON
 * punctuation and runs of everything else (`{"`, `city`, `":"`, `Paris`, `"}`).
 */
export function argumentFragments(args: string): string[] {
  return args.match(/[{}[\]":,\s]+|[^{}[\]":,\s]+/g) ?? [];
}

export interface TokenCounts {
  input: number;
  output: number;
  cached: number;
  reasoning: number;
}

/**
 * Cached input tokens are a subset of the input and reasoning tokens a subset
 * of the output, as OpenAI reports them.
 */
export function tokenCounts(
  input: number,
  visibleOutput: number,
  behavior: MockLLMBehavior,
): TokenCounts {
  return {
    input,
    output: visibleOutput + behavior.reasoningTokens,
    cached: Math.min(behavior.cachedTokens, input),
    reasoning: behavior.reasoningTokens,
  };
}

/** `usage` of chat.completion and of the final chat.completion.chunk. */
export function chatUsage(t: TokenCounts): Json {
  return {
    prompt_tokens: t.input,
    completion_tokens: t.output,
    total_tokens: t.input + t.output,
    prompt_tokens_details: { cached_tokens: t.cached, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: t.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** `usage` of a Responses API response. */
export function responsesUsage(t: TokenCounts): Json {
  return {
    input_tokens: t.input,
    input_tokens_details: { cached_tokens: t.cached },
    output_tokens: t.output,
    output_tokens_details: { reasoning_tokens: t.reasoning },
    total_tokens: t.input + t.output,
  };
}

/** Ids numbered per server, so a run's ids repeat from run to run. */
export class IdSource {
  private counter = 0;

  next(prefix: string): string {
    this.counter += 1;
    return `${prefix}mock${String(this.counter).padStart(6, '0')}`;
  }
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
