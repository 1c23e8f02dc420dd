import type { GenAIMessage, GenAIMessagePart } from '@llmeter/core';
import { type Json, list, obj, parseArguments, str } from './values';

/**
 * OpenAI bodies → the semconv GenAI message shape. Only called when content
 * capture is on; core redacts and bounds what these build.
 */

function textPart(content: string): GenAIMessagePart {
  return { type: 'text', content };
}

/** A data: URI is the content itself (large, possibly sensitive): record its kind, not its bytes. */
function mediaPart(modality: string, url: unknown): GenAIMessagePart {
  const uri = str(url);
  return uri && !uri.startsWith('data:')
    ? { type: 'uri', modality, uri }
    : { type: 'blob', modality };
}

/** One content part of a chat message or a Responses input/output message. */
function contentPart(raw: unknown): GenAIMessagePart | undefined {
  const part = obj(raw);
  if (!part) return typeof raw === 'string' ? textPart(raw) : undefined;
  switch (part.type) {
    case 'text':
    case 'input_text':
    case 'output_text':
      return textPart(typeof part.text === 'string' ? part.text : '');
    case 'refusal':
      return textPart(typeof part.refusal === 'string' ? part.refusal : '');
    case 'image_url':
      return mediaPart('image', obj(part.image_url)?.url);
    case 'input_image':
      return mediaPart('image', part.image_url);
    case 'input_audio':
      return { type: 'blob', modality: 'audio' };
    default:
      return typeof part.type === 'string' ? { type: part.type } : undefined;
  }
}

function contentParts(content: unknown): GenAIMessagePart[] {
  if (typeof content === 'string') return [textPart(content)];
  const parts: GenAIMessagePart[] = [];
  for (const raw of list(content)) {
    const part = contentPart(raw);
    if (part) parts.push(part);
  }
  return parts;
}

function chatToolCallParts(message: Json): GenAIMessagePart[] {
  const parts: GenAIMessagePart[] = [];
  for (const raw of list(message.tool_calls)) {
    const call = obj(raw);
    const fn = obj(call?.function);
    if (!call) continue;
    parts.push({
      type: 'tool_call',
      id: str(call.id),
      name: str(fn?.name) ?? str(obj(call.custom)?.name) ?? 'unknown',
      arguments: parseArguments(fn?.arguments ?? obj(call.custom)?.input),
    });
  }
  const legacy = obj(message.function_call);
  if (legacy) {
    parts.push({
      type: 'tool_call',
      name: str(legacy.name) ?? 'unknown',
      arguments: parseArguments(legacy.arguments),
    });
  }
  return parts;
}

/** `messages` of a chat completion request. */
export function chatInputMessages(messages: unknown): GenAIMessage[] | undefined {
  const out: GenAIMessage[] = [];
  for (const raw of list(messages)) {
    const m = obj(raw);
    if (!m) continue;
    const role = str(m.role) ?? 'user';
    if (role === 'tool' || role === 'function') {
      const response = typeof m.content === 'string' ? m.content : contentParts(m.content);
      out.push({
        role: 'tool',
        parts: [{ type: 'tool_call_response', id: str(m.tool_call_id) ?? str(m.name), response }],
      });
      continue;
    }
    const parts = contentParts(m.content);
    if (role === 'assistant') parts.push(...chatToolCallParts(m));
    out.push({ role, parts });
  }
  return out.length > 0 ? out : undefined;
}

/** The assistant message of one chat completion choice. */
export function chatOutputMessage(choice: Json): GenAIMessage {
  const message = obj(choice.message) ?? {};
  const parts = contentParts(message.content);
  const refusal = str(message.refusal);
  if (refusal) parts.push(textPart(refusal));
  parts.push(...chatToolCallParts(message));
  const out: GenAIMessage = { role: str(message.role) ?? 'assistant', parts };
  const finish = str(choice.finish_reason);
  if (finish) out.finish_reason = finish;
  return out;
}

/** Legacy completions: every prompt becomes a text part of one user message. */
export function promptMessages(prompt: unknown): GenAIMessage[] | undefined {
  const prompts = typeof prompt === 'string' ? [prompt] : list(prompt);
  const parts = prompts.filter((p): p is string => typeof p === 'string').map(textPart);
  return parts.length > 0 ? [{ role: 'user', parts }] : undefined;
}

/** `input` of a Responses request: a string, or a list of messages and function call items. */
export function responsesInputMessages(input: unknown): GenAIMessage[] | undefined {
  if (typeof input === 'string') return [{ role: 'user', parts: [textPart(input)] }];
  const out: GenAIMessage[] = [];
  for (const raw of list(input)) {
    const item = obj(raw);
    if (!item) continue;
    if (item.type === 'function_call') {
      out.push({ role: 'assistant', parts: [responsesToolCall(item)] });
    } else if (item.type === 'function_call_output') {
      out.push({
        role: 'tool',
        parts: [{ type: 'tool_call_response', id: str(item.call_id), response: item.output }],
      });
    } else if (item.role !== undefined) {
      out.push({ role: str(item.role) ?? 'user', parts: contentParts(item.content) });
    }
  }
  return out.length > 0 ? out : undefined;
}

function responsesToolCall(item: Json): GenAIMessagePart {
  return {
    type: 'tool_call',
    id: str(item.call_id) ?? str(item.id),
    name: str(item.name) ?? 'unknown',
    arguments: parseArguments(item.arguments),
  };
}

/** `output` of a Responses response: one assistant message holding text and tool calls. */
export function responsesOutputMessages(
  output: unknown,
  finishReason: string | undefined,
): GenAIMessage[] | undefined {
  const parts: GenAIMessagePart[] = [];
  for (const raw of list(output)) {
    const item = obj(raw);
    if (item?.type === 'message') parts.push(...contentParts(item.content));
    else if (item?.type === 'function_call') parts.push(responsesToolCall(item));
  }
  if (parts.length === 0) return undefined;
  const message: GenAIMessage = { role: 'assistant', parts };
  if (finishReason) message.finish_reason = finishReason;
  return [message];
}

/** `instructions` of a Responses request, the semconv system instructions. */
export function instructionParts(instructions: unknown): GenAIMessagePart[] | undefined {
  const text = str(instructions);
  return text ? [textPart(text)] : undefined;
}
