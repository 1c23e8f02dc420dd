import { errorBody, sendAnthropicError, setAnthropicHeaders } from './anthropic-respond.js';
import { defaultResponseModel } from './behavior.js';
import { type Frame, type RequestContext, sendJson, streamFrames } from './respond.js';
import {
  argumentFragments,
  countTokens,
  type Json,
  list,
  obj,
  replyTokens,
  textOf,
} from './tokens.js';
import { chooseToolCalls, type ToolSpec, toolArguments } from './tool-calls.js';

/*
 * The Anthropic Messages API (`POST /v1/messages`, `POST
 * /v1/messages/count_tokens`): text, tool use, extended thinking and prompt
 * cache usage, as one JSON message or as the SSE event sequence the API
 * streams, with the same knobs as the OpenAI routes.
 */

/** The date the default mapping appends to an undated model alias, as the API answers with a snapshot. */
const SNAPSHOT_DATE = '20251001';
/** What a thinking block says, one word a delta. */
const THOUGHT = ['Let', ' me', ' think', ' about', ' this.'];

type Handler = ((ctx: RequestContext) => Promise<void>) & {
  sendError?: typeof sendAnthropicError;
};

/** `{name, input_schema}` tools; server tools (with a `type` other than `custom`) are not called. */
function anthropicTools(body: Json): ToolSpec[] {
  return list(body.tools)
    .map(obj)
    .filter((t) => typeof t.name === 'string' && (t.type === undefined || t.type === 'custom'))
    .map((t) => ({ name: String(t.name), parameters: obj(t.input_schema) }));
}

/** `tool_choice` in the vocabulary chooseToolCalls() reads. */
function toolChoice(choice: unknown): unknown {
  const c = obj(choice);
  if (c.type === 'any') return 'required';
  if (c.type === 'none') return 'none';
  if (c.type === 'tool') return { name: c.name };
  return undefined;
}

function blockText(content: unknown): string {
  if (typeof content === 'string') return content;
  return list(content)
    .map(obj)
    .map((b) =>
      b.type === 'tool_use'
        ? JSON.stringify(b.input ?? {})
        : b.type === 'tool_result'
          ? textOf(b.content)
          : textOf([b]),
    )
    .join('');
}

/** Prompt tokens: ~4 characters a token, 3 per message and 3 to prime the reply, as the OpenAI routes count. */
function promptTokens(body: Json): number {
  let total = 3 + countTokens(blockText(body.system));
  for (const message of list(body.messages).map(obj))
    total += 3 + countTokens(blockText(message.content));
  if (body.tools) total += countTokens(JSON.stringify(body.tools));
  return total;
}

function responseModel(ctx: RequestContext): string {
  const requested = String(ctx.body.model ?? '');
  if (ctx.behavior.responseModel !== defaultResponseModel)
    return ctx.behavior.responseModel(requested);
  return requested === '' || /-\d{8}$/.test(requested)
    ? requested
    : `${requested}-${SNAPSHOT_DATE}`;
}

/** The stop reason of a text reply: the `finishReason` knob, OpenAI's names mapped to Anthropic's. */
function stopReason(finishReason: string): string {
  if (finishReason === 'stop') return 'end_turn';
  if (finishReason === 'length') return 'max_tokens';
  return finishReason;
}

/**
 * Input usage as Anthropic reports it: `input_tokens` is what was neither
 * read from nor written to the prompt cache, so the three add up to the prompt.
 */
function inputUsage(ctx: RequestContext): Json {
  const prompt = promptTokens(ctx.body);
  const read = Math.min(ctx.behavior.cachedTokens, prompt);
  const written = Math.min(ctx.behavior.cacheWriteTokens, prompt - read);
  return {
    input_tokens: prompt - read - written,
    cache_creation_input_tokens: written,
    cache_read_input_tokens: read,
  };
}

const event = (type: string, payload: Json, content = false): Frame => ({
  event: type,
  data: JSON.stringify({ type, ...payload }),
  content,
});

interface PlannedBlock {
  block: Json;
  /** Streamed pieces: text, thinking or input JSON fragments. */
  pieces: string[];
  delta: 'text_delta' | 'thinking_delta' | 'input_json_delta';
}

function plan(ctx: RequestContext): { blocks: PlannedBlock[]; stop: string } {
  const { body, behavior } = ctx;
  const messages = list(body.messages).map(obj);
  const last = messages.at(-1);
  const endsWithToolResult =
    last?.role === 'user' && list(last.content).some((b) => obj(b).type === 'tool_result');
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const tools = chooseToolCalls({
    tools: anthropicTools(body),
    toolChoice: toolChoice(body.tool_choice),
    lastUserText: blockText(lastUser?.content),
    endsWithToolResult,
    behavior,
  });
  const blocks: PlannedBlock[] = [];
  const thinking = obj(body.thinking).type;
  if (thinking === 'enabled' || thinking === 'adaptive') {
    blocks.push({
      block: { type: 'thinking', thinking: '', signature: '' },
      pieces: THOUGHT,
      delta: 'thinking_delta',
    });
  }
  if (tools.length > 0) {
    for (const tool of tools) {
      const args = toolArguments(tool, behavior);
      blocks.push({
        block: { type: 'tool_use', id: ctx.nextId('toolu_'), name: tool.name, input: {} },
        pieces: argumentFragments(args),
        delta: 'input_json_delta',
      });
    }
    return { blocks, stop: 'tool_use' };
  }
  blocks.push({
    block: { type: 'text', text: '' },
    pieces: replyTokens(behavior),
    delta: 'text_delta',
  });
  return { blocks, stop: stopReason(behavior.finishReason) };
}

/** A planned block as the whole message holds it. */
function whole({ block, pieces }: PlannedBlock): Json {
  const joined = pieces.join('');
  if (block.type === 'text') return { ...block, text: joined, citations: null };
  if (block.type === 'thinking') return { ...block, thinking: joined, signature: 'sig_mock' };
  return { ...block, input: JSON.parse(joined) as unknown };
}

function deltaOf(kind: PlannedBlock['delta'], piece: string): Json {
  if (kind === 'text_delta') return { type: kind, text: piece };
  if (kind === 'thinking_delta') return { type: kind, thinking: piece };
  return { type: kind, partial_json: piece };
}

/** `POST /v1/messages`: a `message`, or its SSE events. */
const messages: Handler = async (ctx) => {
  setAnthropicHeaders(ctx);
  const { blocks, stop } = plan(ctx);
  const output = blocks.reduce((sum, b) => sum + b.pieces.length, 0);
  const input = inputUsage(ctx);
  const message = {
    id: ctx.nextId('msg_'),
    type: 'message',
    role: 'assistant',
    model: responseModel(ctx),
  };
  if (ctx.body.stream !== true) {
    await sendJson(ctx, {
      ...message,
      content: blocks.map(whole),
      stop_reason: stop,
      stop_sequence: null,
      usage: { ...input, output_tokens: output, service_tier: 'standard' },
    });
    return;
  }
  const frames: Frame[] = [
    event('message_start', {
      message: {
        ...message,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...input, output_tokens: 1, service_tier: 'standard' },
      },
    }),
    event('ping', {}),
  ];
  blocks.forEach((planned, index) => {
    frames.push(event('content_block_start', { index, content_block: planned.block }));
    for (const piece of planned.pieces) {
      frames.push(
        event('content_block_delta', { index, delta: deltaOf(planned.delta, piece) }, true),
      );
    }
    if (planned.block.type === 'thinking') {
      frames.push(
        event('content_block_delta', {
          index,
          delta: { type: 'signature_delta', signature: 'sig_mock' },
        }),
      );
    }
    frames.push(event('content_block_stop', { index }));
  });
  const failure = ctx.behavior.responseErrorCode;
  if (failure !== undefined) {
    // An error mid-stream, after HTTP 200: the API's `error` event.
    frames.push({
      event: 'error',
      data: JSON.stringify(errorBody(ctx, failure, 'Overloaded')),
      content: false,
    });
  } else {
    // Current API versions repeat the cumulative input and cache counts here.
    frames.push(
      event('message_delta', {
        delta: { stop_reason: stop, stop_sequence: null },
        usage: { ...input, output_tokens: output },
      }),
      event('message_stop', {}),
    );
  }
  await streamFrames(ctx, frames);
};
messages.sendError = sendAnthropicError;

/** `POST /v1/messages/count_tokens`: what the prompt would cost, as `input_tokens`. */
const countTokensRoute: Handler = async (ctx) => {
  setAnthropicHeaders(ctx);
  await sendJson(ctx, { input_tokens: promptTokens(ctx.body) });
};
countTokensRoute.sendError = sendAnthropicError;

export const ANTHROPIC_ROUTES: Record<string, Handler> = {
  'POST /v1/messages': messages,
  'POST /v1/messages/count_tokens': countTokensRoute,
};
