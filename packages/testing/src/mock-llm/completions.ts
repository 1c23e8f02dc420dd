import {
  DONE_FRAME,
  dataFrame,
  type Frame,
  type RequestContext,
  sendJson,
  streamFrames,
} from './respond.js';
import { countTokens, list, nowSeconds, obj, replyTokens, tokenCounts } from './tokens.js';

/** `prompt` may be a string or an array of strings; each prompt gets its own choice. */
function prompts(prompt: unknown): string[] {
  if (typeof prompt === 'string') return [prompt];
  const strings = list(prompt).filter((p): p is string => typeof p === 'string');
  return strings.length > 0 ? strings : [''];
}

/** `POST /v1/completions`, the legacy text completion API (object `text_completion`). */
export async function completions(ctx: RequestContext): Promise<void> {
  const { body, behavior } = ctx;
  const inputs = prompts(body.prompt);
  const tokens = replyTokens(behavior);
  const counts = tokenCounts(
    inputs.reduce((sum, p) => sum + countTokens(p), 0),
    tokens.length * inputs.length,
    behavior,
  );
  // The legacy API reports no token details, only the three totals.
  const usage = {
    prompt_tokens: counts.input,
    completion_tokens: counts.output,
    total_tokens: counts.input + counts.output,
  };
  const envelope = {
    id: ctx.nextId('cmpl-'),
    object: 'text_completion',
    created: nowSeconds(),
    model: behavior.responseModel(String(body.model ?? '')),
    system_fingerprint: 'fp_mock',
  };
  const indexes = inputs.map((_, index) => index);

  if (body.stream !== true) {
    await sendJson(ctx, {
      ...envelope,
      choices: indexes.map((index) => ({
        text: tokens.join(''),
        index,
        logprobs: null,
        finish_reason: behavior.finishReason,
      })),
      usage,
    });
    return;
  }

  const includeUsage = obj(body.stream_options).include_usage === true;
  const chunk = (text: string, index: number, finish: string | null = null): Frame =>
    dataFrame({
      ...envelope,
      choices: [{ text, index, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    });
  const frames: Frame[] = [];
  for (const token of tokens) for (const index of indexes) frames.push(chunk(token, index));
  for (const index of indexes) frames.push(chunk('', index, behavior.finishReason));
  if (includeUsage) frames.push(dataFrame({ ...envelope, choices: [], usage }, false));
  frames.push(DONE_FRAME);
  await streamFrames(ctx, frames);
}
