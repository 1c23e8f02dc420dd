import { type Frame, type RequestContext, sendJson, streamFrames } from './respond.js';
import {
  argumentFragments,
  countTokens,
  type Json,
  list,
  nowSeconds,
  obj,
  replyTokens,
  responsesUsage,
  textOf,
  tokenCounts,
} from './tokens.js';
import { chooseToolCalls, responsesTools, toolArguments } from './tool-calls.js';

/** `input` is a string (one user message) or a list of items: messages, function calls and their outputs. */
function inputItems(input: unknown): Json[] {
  return typeof input === 'string' ? [{ role: 'user', content: input }] : list(input).map(obj);
}

function itemText(item: Json): string {
  if (item.type === 'function_call_output')
    return typeof item.output === 'string' ? item.output : JSON.stringify(item.output);
  if (item.type === 'function_call') return String(item.arguments ?? '');
  return textOf(item.content);
}

function inputTokens(body: Json, items: Json[]): number {
  let total = 3 + countTokens(typeof body.instructions === 'string' ? body.instructions : '');
  for (const item of items) total += 3 + countTokens(itemText(item));
  if (body.tools) total += countTokens(JSON.stringify(body.tools));
  return total;
}

/** `POST /v1/responses`: a `response` object, or the semantic SSE events that build one. */
export async function responses(ctx: RequestContext): Promise<void> {
  const { body, behavior } = ctx;
  const items = inputItems(body.input);
  const lastUser = [...items].reverse().find((i) => i.role === 'user');
  const calls = chooseToolCalls({
    tools: responsesTools(body),
    toolChoice: body.tool_choice,
    lastUserText: textOf(lastUser?.content),
    endsWithToolResult: items.at(-1)?.type === 'function_call_output',
    behavior,
  }).map((tool) => ({
    id: ctx.nextId('fc_'),
    call_id: ctx.nextId('call_'),
    name: tool.name,
    arguments: toolArguments(tool, behavior),
  }));
  const tokens = replyTokens(behavior);
  const text = tokens.join('');
  const messageId = ctx.nextId('msg_');
  const visibleOutput =
    calls.length > 0
      ? calls.reduce((sum, c) => sum + 1 + argumentFragments(c.arguments).length, 0)
      : tokens.length;
  const usage = responsesUsage(tokenCounts(inputTokens(body, items), visibleOutput, behavior));
  // A reply cut by max_output_tokens is an `incomplete` response, not a finish_reason.
  const incomplete = behavior.finishReason === 'length';
  const errorCode = behavior.responseErrorCode;
  const textPart = (value: string) => ({
    type: 'output_text',
    annotations: [],
    logprobs: [],
    text: value,
  });
  const output: Json[] =
    calls.length > 0
      ? calls.map((c) => ({ type: 'function_call', status: 'completed', ...c }))
      : [
          {
            id: messageId,
            type: 'message',
            status: incomplete ? 'incomplete' : 'completed',
            role: 'assistant',
            content: [textPart(text)],
          },
        ];
  const responseId = ctx.nextId('resp_');
  const createdAt = nowSeconds();
  const response = (status: string, done: boolean): Json => ({
    id: responseId,
    object: 'response',
    created_at: createdAt,
    status,
    background: false,
    error:
      done && errorCode !== undefined
        ? { code: errorCode, message: 'The mock model failed to generate a response.' }
        : null,
    incomplete_details: done && incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: behavior.responseModel(String(body.model ?? '')),
    output: done && errorCode === undefined ? output : [],
    parallel_tool_calls: true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage: done && errorCode === undefined ? usage : null,
    user: null,
    metadata: body.metadata ?? {},
  });
  const finalStatus = errorCode !== undefined ? 'failed' : incomplete ? 'incomplete' : 'completed';

  if (body.stream !== true) {
    await sendJson(ctx, response(finalStatus, true));
    return;
  }

  const frames: Frame[] = [];
  let sequence = 0;
  const emit = (type: string, payload: Json, content = false): void => {
    frames.push({
      event: type,
      data: JSON.stringify({ type, sequence_number: sequence++, ...payload }),
      content,
    });
  };
  const skeleton = response('in_progress', false);
  emit('response.created', { response: skeleton });
  emit('response.in_progress', { response: skeleton });
  if (calls.length > 0) {
    calls.forEach((call, output_index) => {
      const item_id = call.id;
      emit('response.output_item.added', {
        output_index,
        item: { type: 'function_call', status: 'in_progress', ...call, arguments: '' },
      });
      for (const delta of argumentFragments(call.arguments)) {
        emit('response.function_call_arguments.delta', { item_id, output_index, delta }, true);
      }
      emit('response.function_call_arguments.done', {
        item_id,
        output_index,
        name: call.name,
        arguments: call.arguments,
      });
      emit('response.output_item.done', { output_index, item: output[output_index] });
    });
  } else {
    const at = { item_id: messageId, output_index: 0, content_index: 0 };
    emit('response.output_item.added', {
      output_index: 0,
      item: {
        id: messageId,
        type: 'message',
        status: 'in_progress',
        role: 'assistant',
        content: [],
      },
    });
    emit('response.content_part.added', { ...at, part: textPart('') });
    for (const delta of tokens)
      emit('response.output_text.delta', { ...at, delta, logprobs: [] }, true);
    emit('response.output_text.done', { ...at, text, logprobs: [] });
    emit('response.content_part.done', { ...at, part: textPart(text) });
    emit('response.output_item.done', { output_index: 0, item: output[0] });
  }
  emit(`response.${finalStatus}`, { response: response(finalStatus, true) });
  await streamFrames(ctx, frames);
}
