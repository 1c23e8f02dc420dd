import type { GenAIMessage, LLMOperationResult } from '@llmeter/core';
import { completionUsage } from '../parse/usage';
import { type Json, num, obj, str } from '../parse/values';
import type { StreamAccumulator, StreamFailure } from './surface';

/**
 * Streamed chat and legacy completions: chunks carry `choices[]` deltas and,
 * with `include_usage`, one last chunk with empty `choices` and the totals.
 *
 * A chunk counts as an output chunk when its `choices` is not empty (the role
 * chunk, every content or tool-call delta, and the finish chunk); the
 * usage-only chunk does not. The reply is finished once every choice seen has
 * a finish reason.
 */
export abstract class ChoicesStream implements StreamAccumulator {
  private model: string | undefined;
  private id: string | undefined;
  private usage: unknown;
  private attributes: Json | undefined;
  /** Finish reason by choice index (sparse until every choice has finished). */
  private readonly reasons: (string | undefined)[] = [];
  private finishedChoices = 0;
  private choiceCount = 0;

  constructor(protected readonly capture: boolean) {}

  add(item: unknown): boolean {
    const chunk = item as Json | null;
    if (chunk === null || typeof chunk !== 'object') return false;
    if (this.model === undefined && typeof chunk.model === 'string') this.model = chunk.model;
    if (this.id === undefined && typeof chunk.id === 'string') this.id = chunk.id;
    if (chunk.usage) this.usage = chunk.usage;
    if (this.attributes === undefined) this.attributes = this.chunkAttributes(chunk);
    const choices = chunk.choices;
    if (!Array.isArray(choices) || choices.length === 0) return false;
    for (const raw of choices) {
      const choice = raw as Json | null;
      if (choice === null || typeof choice !== 'object') continue;
      const index = typeof choice.index === 'number' ? choice.index : 0;
      if (index >= this.choiceCount) this.choiceCount = index + 1;
      const finish = choice.finish_reason;
      if (typeof finish === 'string' && finish !== '') {
        if (this.reasons[index] === undefined) this.finishedChoices += 1;
        this.reasons[index] = finish;
      }
      if (this.capture) this.collect(index, choice);
    }
    return true;
  }

  get finished(): boolean {
    return this.finishedChoices > 0 && this.finishedChoices >= this.choiceCount;
  }

  failure(): StreamFailure | undefined {
    return undefined;
  }

  result(): LLMOperationResult {
    const result: LLMOperationResult = {};
    if (this.model) result.responseModel = this.model;
    if (this.id) result.responseId = this.id;
    const reasons = this.reasons.filter((r): r is string => r !== undefined);
    if (reasons.length > 0) result.finishReasons = reasons;
    const usage = completionUsage(this.usage);
    if (usage) result.usage = usage;
    if (this.attributes) result.attributes = this.attributes as LLMOperationResult['attributes'];
    if (this.capture) {
      const messages = this.messages(this.reasons);
      if (messages.length > 0) result.outputMessages = messages;
    }
    return result;
  }

  /** Attributes read once, from the first chunk. */
  protected chunkAttributes(_chunk: Json): Json | undefined {
    return undefined;
  }

  /** Content capture only: fold one choice delta into the reply being assembled. */
  protected abstract collect(index: number, choice: Json): void;
  /** Content capture only: the assembled reply, one message per choice. */
  protected abstract messages(reasons: (string | undefined)[]): GenAIMessage[];
}

/** Text of streamed choices, assembled by index. */
export class TextParts {
  readonly texts: string[] = [];

  append(index: number, text: unknown): void {
    if (typeof text === 'string' && text !== '')
      this.texts[index] = (this.texts[index] ?? '') + text;
  }
}

/** Tool calls of streamed chat choices, assembled from their deltas by choice and call index. */
export class ToolCallParts {
  readonly calls: { id?: string; name?: string; arguments: string }[][] = [];

  append(index: number, deltas: unknown): void {
    if (!Array.isArray(deltas)) return;
    this.calls[index] ??= [];
    const calls = this.calls[index];
    for (const raw of deltas) {
      const delta = obj(raw);
      if (!delta) continue;
      const at = num(delta.index) ?? calls.length;
      calls[at] ??= { arguments: '' };
      const call = calls[at];
      const fn = obj(delta.function);
      call.id ??= str(delta.id);
      call.name ??= str(fn?.name);
      if (typeof fn?.arguments === 'string') call.arguments += fn.arguments;
    }
  }
}
