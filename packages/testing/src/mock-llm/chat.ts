import {
  DONE_FRAME,
  dataFrame,
  type Frame,
  type RequestContext,
  sendJson,
  streamFrames,
} from './respond.js';
import {
  argumentFragments,
  chatUsage,
  countTokens,
  type Json,
  list,
  nowSeconds,
  obj,
  replyTokens,
  textOf,
  tokenCounts,
} from './tokens.js';
import { chatTools, chooseToolCalls, toolArguments } from './tool-calls.js';

interface PlannedCall {
  id: string;
  name: string;
  arguments: string;
}

/** Input tokens: ~4 characters a token plus 3 per message and 3 to prime the reply, like OpenAI's estimate. */
function promptTokens(body: Json): number {
  let total = 3;
  for (const message of list(body.messages).map(obj)) {
    total += 3 + countTokens(textOf(message.content));
    if (message.tool_calls) total += countTokens(JSON.stringify(message.tool_calls));
  }
  if (body.tools) total += countTokens(JSON.stringify(body.tools));
  return total;
}

/** `POST /v1/chat/completions`: text or tool calls, as one JSON object or as SSE chunks. */
export async function chatCompletions(ctx: RequestContext): Promise<void> {
  const { body, behavior } = ctx;
  const messages = list(body.messages).map(obj);
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const tools = chooseToolCalls({
    tools: chatTools(body),
    toolChoice: body.tool_choice,
    lastUserText: textOf(lastUser?.content),
    endsWithToolResult: messages.at(-1)?.role === 'tool',
    behavior,
  });
  const calls: PlannedCall[] = tools.map((tool) => ({
    id: ctx.nextId('call_'),
    name: tool.name,
    arguments: toolArguments(tool, behavior),
  }));
  const tokens = replyTokens(behavior);
  const choiceCount = Math.max(1, Number(body.n ?? 1));
  const perChoiceOutput =
    calls.length > 0
      ? calls.reduce((sum, call) => sum + 1 + argumentFragments(call.arguments).length, 0)
      : tokens.length;
  const usage = chatUsage(tokenCounts(promptTokens(body), perChoiceOutput * choiceCount, behavior));
  const finishReason = calls.length > 0 ? 'tool_calls' : behavior.finishReason;
  const streaming = body.stream === true;
  const envelope = {
    id: ctx.nextId('chatcmpl-'),
    object: streaming ? 'chat.completion.chunk' : 'chat.completion',
    created: nowSeconds(),
    model: behavior.responseModel(String(body.model ?? '')),
    service_tier: 'default',
    system_fingerprint: 'fp_mock',
  };
  const choices = Array.from({ length: choiceCount }, (_, index) => index);

  if (!streaming) {
    const message =
      calls.length > 0
        ? {
            role: 'assistant',
            content: null,
            tool_calls: calls.map((c) => ({
              id: c.id,
              type: 'function',
              function: { name: c.name, arguments: c.arguments },
            })),
            refusal: null,
            annotations: [],
          }
        : { role: 'assistant', content: tokens.join(''), refusal: null, annotations: [] };
    await sendJson(ctx, {
      ...envelope,
      choices: choices.map((index) => ({
        index,
        message,
        logprobs: null,
        finish_reason: finishReason,
      })),
      usage,
    });
    return;
  }

  const includeUsage = obj(body.stream_options).include_usage === true;
  // With include_usage every chunk carries `usage: null` and one last chunk
  // with empty `choices` carries the totals; without it there is no usage key.
  const chunk = (delta: Json, index: number, finish: string | null = null): Frame =>
    dataFrame({
      ...envelope,
      choices: [{ index, delta, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    });
  const frames: Frame[] = [];
  if (calls.length > 0) {
    for (const index of choices) {
      calls.forEach((call, callIndex) => {
        const opening = {
          index: callIndex,
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: '' },
        };
        // The first delta of a call carries id, type and name; later ones only argument fragments.
        frames.push(
          chunk(
            callIndex === 0
              ? { role: 'assistant', content: null, tool_calls: [opening], refusal: null }
              : { tool_calls: [opening] },
            index,
          ),
        );
        for (const fragment of argumentFragments(call.arguments)) {
          frames.push(
            chunk({ tool_calls: [{ index: callIndex, function: { arguments: fragment } }] }, index),
          );
        }
      });
    }
  } else {
    for (const index of choices)
      frames.push(chunk({ role: 'assistant', content: '', refusal: null }, index));
    // Choices interleave token by token, as OpenAI streams n > 1.
    for (const token of tokens)
      for (const index of choices) frames.push(chunk({ content: token }, index));
  }
  for (const index of choices) frames.push(chunk({}, index, finishReason));
  if (includeUsage) {
    frames.push(dataFrame({ ...envelope, choices: [], usage }, false));
  }
  frames.push(DONE_FRAME);
  await streamFrames(ctx, frames);
}
