import { MAX_TOKEN_OBSERVATIONS } from '../constants';
import type { ObservedResponse } from './response-observer';

/**
 * `gen_ai.server.time_per_output_token` observations (seconds), one per
 * output token after the first, from what a stream showed:
 *
 * - Output tokens N are `usage.completion_tokens` when the stream reported
 *   it, else the number of content events (one token per event, which is
 *   what vLLM, TGI and llama.cpp send by default).
 * - When N matches the content events, each gap between consecutive events
 *   is one token's time: the real inter-token latencies, jitter included.
 * - Otherwise (servers that batch several tokens per event), the time from
 *   the first to the last content event is spread evenly over the N - 1
 *   later tokens: the mean is right, the per-token spread is not observable.
 *
 * Tokens arriving in the first event count as "first token" time. At most
 * MAX_TOKEN_OBSERVATIONS values per request. Non-streamed responses give none:
 * the time of their first token is not observable from the outside.
 */
export function timePerOutputToken(observed: ObservedResponse): number[] {
  const events = observed.contentEvents;
  if (!observed.streamed || events < 2) return []; // one event: its tokens all count as the first
  const n = observed.completionTokens ?? events;
  if (n <= 1) return [];
  if (n === events && observed.gapsMs.length === n - 1) {
    return observed.gapsMs.map((ms) => ms / 1000);
  }
  const spanMs = (observed.lastContentAt ?? 0) - (observed.firstContentAt ?? 0);
  const each = Math.max(0, spanMs) / 1000 / (n - 1);
  return new Array<number>(Math.min(n - 1, MAX_TOKEN_OBSERVATIONS)).fill(each);
}
