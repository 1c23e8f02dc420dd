import type { GenAIMessage, GenAIMessagePart } from '@llmeter/core';
import { type Json, obj, str } from './values';

/**
 * AI SDK messages and content parts in the semconv message shape (content
 * capture only; nothing here runs when capture is off). Files and images are
 * named by type, never copied: their bytes are no telemetry.
 */
function part(value: unknown): GenAIMessagePart | undefined {
  const p = obj(value);
  const type = str(p?.type);
  if (!p || !type) return undefined;
  switch (type) {
    case 'text':
      return { type: 'text', content: String(p.text ?? '') };
    case 'reasoning':
      return { type: 'reasoning', content: String(p.text ?? '') };
    case 'tool-call':
      return {
        type: 'tool_call',
        id: str(p.toolCallId),
        name: str(p.toolName) ?? 'unknown',
        arguments: parseInput(p.input),
      };
    case 'tool-result':
      return { type: 'tool_call_response', id: str(p.toolCallId), response: p.output };
    default:
      return { type };
  }
}

/** Provider tool-call inputs are JSON text; the events' are parsed already. */
function parseInput(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}

function parts(content: unknown): GenAIMessagePart[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  const out: GenAIMessagePart[] = [];
  for (const item of content) {
    const converted = part(item);
    if (converted) out.push(converted);
  }
  return out;
}

/** The prompt messages of a model call (`messages` of its start event). */
export function inputMessages(messages: unknown): GenAIMessage[] | undefined {
  if (!Array.isArray(messages)) return undefined;
  const out: GenAIMessage[] = [];
  for (const message of messages) {
    const m = obj(message);
    const role = str(m?.role);
    if (m && role) out.push({ role, parts: parts(m.content) });
  }
  return out;
}

/** `instructions` (or `system`) of a model call: a string, a system message or a list of them. */
export function systemInstructions(value: unknown): GenAIMessagePart[] | undefined {
  if (typeof value === 'string') return [{ type: 'text', content: value }];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const out: GenAIMessagePart[] = [];
  for (const item of list) {
    const content = obj(item)?.content;
    if (typeof content === 'string') out.push({ type: 'text', content });
  }
  return out.length > 0 ? out : undefined;
}

/** The reply of a model call: its content parts as one assistant message. */
export function outputMessage(content: unknown, finishReason: string | undefined): GenAIMessage {
  const message: GenAIMessage = { role: 'assistant', parts: parts(content) };
  if (finishReason) message.finish_reason = finishReason;
  return message;
}

/** Assembles a streamed reply (capture only): text and reasoning deltas by part id, and tool calls. */
export class StreamedContent {
  private readonly items: Json[] = [];
  private readonly open = new Map<string, Json>();

  add(type: string, p: Json): void {
    if (type === 'text-delta' || type === 'reasoning-delta') {
      const key = `${type}:${String(p.id)}`;
      let item = this.open.get(key);
      if (!item) {
        item = { type: type === 'text-delta' ? 'text' : 'reasoning', text: '' };
        this.open.set(key, item);
        this.items.push(item);
      }
      item.text = `${item.text}${typeof p.delta === 'string' ? p.delta : ''}`;
    } else if (type === 'tool-call') {
      this.items.push(p);
    }
  }

  message(finishReason: string | undefined): GenAIMessage {
    return outputMessage(this.items, finishReason);
  }
}
