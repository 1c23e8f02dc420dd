import type { GenAIMessage, GenAIMessagePart } from '@llmeter/core';
import { asRecord, asString } from './util';

/**
 * LangChain messages → the semconv GenAI message shape core records (only
 * called when content capture is on; core redacts and bounds the result).
 */

const ROLE_BY_TYPE: Readonly<Record<string, string>> = {
  human: 'user',
  user: 'user',
  ai: 'assistant',
  assistant: 'assistant',
  system: 'system',
  developer: 'system',
  tool: 'tool',
  function: 'tool',
  generic: 'user',
};

/** A message's type: `_getType()` on class instances, `type`/`role` on plain objects. */
function messageType(message: Record<string, unknown>): string | undefined {
  const getType = message._getType ?? message.getType;
  if (typeof getType === 'function') {
    try {
      const t = getType.call(message);
      if (typeof t === 'string') return t;
    } catch {
      // fall through to the plain fields
    }
  }
  return asString(message.type) ?? asString(message.role);
}

export function toGenAIMessage(value: unknown): GenAIMessage | undefined {
  const message = asRecord(value);
  const type = messageType(message);
  if (type === undefined && message.content === undefined) return undefined;
  const role = (type && ROLE_BY_TYPE[type]) ?? asString(message.role) ?? 'user';
  const parts: GenAIMessagePart[] = [];
  if (role === 'tool') {
    parts.push({
      type: 'tool_call_response',
      id: asString(message.tool_call_id),
      response: textOf(message.content) ?? message.content,
    });
  } else {
    pushContent(parts, message.content);
    for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
      const c = asRecord(call);
      const name = asString(c.name);
      if (name) parts.push({ type: 'tool_call', id: asString(c.id), name, arguments: c.args });
    }
  }
  const out: GenAIMessage = { role, parts };
  const name = asString(message.name);
  if (name && role !== 'tool') out.name = name;
  return out;
}

export function toGenAIMessages(values: unknown): GenAIMessage[] | undefined {
  if (!Array.isArray(values)) return undefined;
  const out: GenAIMessage[] = [];
  for (const value of values) {
    const message = toGenAIMessage(value);
    if (message) out.push(message);
  }
  return out.length > 0 ? out : undefined;
}

/** Text of string content or of content blocks (`{type:'text', text}`). */
export function textOf(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  let text = '';
  for (const block of content) {
    const b = asRecord(block);
    if (typeof block === 'string') text += block;
    else if (typeof b.text === 'string') text += b.text;
  }
  return text;
}

function pushContent(parts: GenAIMessagePart[], content: unknown): void {
  if (typeof content === 'string') {
    if (content.length > 0) parts.push({ type: 'text', content });
    return;
  }
  if (!Array.isArray(content)) return;
  for (const block of content) {
    const b = asRecord(block);
    if (typeof block === 'string') parts.push({ type: 'text', content: block });
    else if (typeof b.text === 'string') parts.push({ type: 'text', content: b.text });
    else if (typeof b.type === 'string' && b.type !== 'tool_use' && b.type !== 'tool_call') {
      // Images, audio, files: the kind only, never the payload.
      parts.push({ type: b.type });
    }
  }
}
