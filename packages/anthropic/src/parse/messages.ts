import type { GenAIMessage, GenAIMessagePart } from '@llmeter/core';
import { type Json, list, obj, str } from './values';

/**
 * Anthropic Messages bodies → the semconv GenAI message shape. Only called
 * when content capture is on; core redacts and bounds what these build.
 */

const textPart = (content: string): GenAIMessagePart => ({ type: 'text', content });

/** A base64 source is the content itself (large, possibly sensitive): record its kind, not its bytes. */
function mediaPart(modality: string, source: unknown): GenAIMessagePart {
  const s = obj(source);
  const uri = s?.type === 'url' ? str(s.url) : undefined;
  return uri ? { type: 'uri', modality, uri } : { type: 'blob', modality };
}

/** One content block of a request message or of a response. */
export function blockPart(raw: unknown): GenAIMessagePart | undefined {
  if (typeof raw === 'string') return textPart(raw);
  const block = obj(raw);
  if (!block) return undefined;
  switch (block.type) {
    case 'text':
      return textPart(typeof block.text === 'string' ? block.text : '');
    case 'tool_use':
    case 'server_tool_use':
    case 'mcp_tool_use':
      return {
        type: 'tool_call',
        id: str(block.id),
        name: str(block.name) ?? 'unknown',
        arguments: block.input,
      };
    case 'tool_result':
    case 'mcp_tool_result':
      return {
        type: 'tool_call_response',
        id: str(block.tool_use_id),
        response: toolResult(block.content),
      };
    case 'thinking':
      return {
        type: 'reasoning',
        content: typeof block.thinking === 'string' ? block.thinking : '',
      };
    case 'redacted_thinking':
      return { type: 'reasoning' };
    case 'image':
      return mediaPart('image', block.source);
    case 'document':
      return mediaPart('document', block.source);
    default:
      return typeof block.type === 'string' ? { type: block.type } : undefined;
  }
}

/** A tool result's content: its text when it is text only, else the parts. */
function toolResult(content: unknown): unknown {
  if (typeof content === 'string' || !Array.isArray(content)) return content;
  const parts = blockParts(content);
  return parts.every((p) => p.type === 'text')
    ? parts.map((p) => (p as { content: string }).content).join('')
    : parts;
}

export function blockParts(content: unknown): GenAIMessagePart[] {
  if (typeof content === 'string') return [textPart(content)];
  const parts: GenAIMessagePart[] = [];
  for (const raw of list(content)) {
    const part = blockPart(raw);
    if (part) parts.push(part);
  }
  return parts;
}

/** `messages` of a request. A user turn of tool results only is the semconv `tool` role. */
export function inputMessages(messages: unknown): GenAIMessage[] | undefined {
  const out: GenAIMessage[] = [];
  for (const raw of list(messages)) {
    const m = obj(raw);
    if (!m) continue;
    const parts = blockParts(m.content);
    const toolOnly = parts.length > 0 && parts.every((p) => p.type === 'tool_call_response');
    out.push({ role: toolOnly ? 'tool' : (str(m.role) ?? 'user'), parts });
  }
  return out.length > 0 ? out : undefined;
}

/** `system` of a request: a string or text blocks. */
export function systemInstructions(system: unknown): GenAIMessagePart[] | undefined {
  const parts = blockParts(system);
  return parts.length > 0 ? parts : undefined;
}

/** The assistant message of a whole response. */
export function outputMessage(message: Json): GenAIMessage {
  const out: GenAIMessage = {
    role: str(message.role) ?? 'assistant',
    parts: blockParts(message.content),
  };
  const finish = str(message.stop_reason);
  if (finish) out.finish_reason = finish;
  return out;
}
