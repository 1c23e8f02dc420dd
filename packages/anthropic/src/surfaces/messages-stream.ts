import type { GenAIMessage, GenAIMessagePart, LLMOperationResult } from '@llmeter/core';
import { blockPart } from '../parse/messages';
import { mergeUsage, messageUsage } from '../parse/usage';
import { type Json, obj, str } from '../parse/values';
import type { StreamAccumulator } from './surface';

/** A content block being assembled from its deltas (content capture only). */
interface Draft {
  block: Json;
  text: string;
}

/**
 * A raw Messages event stream: `message_start` (id, model, input and cache
 * usage), per content block `content_block_start` / `content_block_delta`… /
 * `content_block_stop`, then `message_delta` (stop reason, cumulative usage)
 * and `message_stop`; `ping` may come anywhere (the SDK drops it).
 *
 * An output chunk is a `content_block_delta` of generated content: text,
 * tool input JSON, thinking, citations. A `signature_delta` (the closing
 * signature of a thinking block) is not. The reply is finished once a stop
 * reason has arrived.
 */
export class MessagesStream implements StreamAccumulator {
  private model: string | undefined;
  private id: string | undefined;
  private role: string | undefined;
  private usage: Json | undefined;
  private stopReason: string | undefined;
  private drafts: Draft[] | undefined;

  constructor(private readonly capture: boolean) {}

  add(item: unknown): boolean {
    const event = item as Json | null;
    if (event === null || typeof event !== 'object') return false;
    switch (event.type) {
      case 'content_block_delta': {
        const delta = event.delta as Json | null;
        if (this.capture) this.collect(event.index, delta);
        return delta !== null && typeof delta === 'object' && delta.type !== 'signature_delta';
      }
      case 'message_start': {
        const message = obj(event.message);
        this.model ??= str(message?.model);
        this.id ??= str(message?.id);
        this.role ??= str(message?.role);
        this.usage = mergeUsage(this.usage, message?.usage);
        return false;
      }
      case 'message_delta': {
        this.stopReason = str(obj(event.delta)?.stop_reason) ?? this.stopReason;
        this.usage = mergeUsage(this.usage, event.usage);
        return false;
      }
      case 'content_block_start':
        if (this.capture) this.open(event.index, event.content_block);
        return false;
      default:
        return false;
    }
  }

  get finished(): boolean {
    return this.stopReason !== undefined;
  }

  result(): LLMOperationResult {
    const result: LLMOperationResult = {};
    if (this.model) result.responseModel = this.model;
    if (this.id) result.responseId = this.id;
    if (this.stopReason) result.finishReasons = [this.stopReason];
    const usage = messageUsage(this.usage);
    if (usage) result.usage = usage;
    if (this.capture && this.drafts) result.outputMessages = [this.message()];
    return result;
  }

  private open(index: unknown, block: unknown): void {
    const b = obj(block);
    if (typeof index !== 'number' || !b || index < 0 || index > 4096) return;
    this.drafts ??= [];
    this.drafts[index] = { block: b, text: '' };
  }

  private collect(index: unknown, delta: Json | null): void {
    const draft = typeof index === 'number' ? this.drafts?.[index] : undefined;
    if (!draft || delta === null || typeof delta !== 'object') return;
    const piece = delta.text ?? delta.partial_json ?? delta.thinking;
    if (typeof piece === 'string') draft.text += piece;
  }

  /** The reply assembled: text, tool calls with their streamed input parsed, thinking. */
  private message(): GenAIMessage {
    const parts: GenAIMessagePart[] = [];
    for (const draft of this.drafts ?? []) {
      if (!draft) continue;
      const part = blockPart(assembled(draft));
      if (part) parts.push(part);
    }
    const message: GenAIMessage = { role: this.role ?? 'assistant', parts };
    if (this.stopReason) message.finish_reason = this.stopReason;
    return message;
  }
}

/** A block as the whole response would hold it, from its start event and its deltas. */
function assembled({ block, text }: Draft): Json {
  switch (block.type) {
    case 'text':
      return { ...block, text: (typeof block.text === 'string' ? block.text : '') + text };
    case 'thinking':
      return {
        ...block,
        thinking: (typeof block.thinking === 'string' ? block.thinking : '') + text,
      };
    case 'tool_use':
    case 'server_tool_use':
    case 'mcp_tool_use':
      return text === '' ? block : { ...block, input: parseJson(text) };
    default:
      return block;
  }
}

/** Streamed tool input arrives as JSON text; the parsed value when it parses, else the text. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
