import {
  type GenAIMessage,
  type GenAIMessagePart,
  type LLMOperationResult,
  type LLMOperationStart,
  OPERATION,
} from '@llmeter/core';
import { OPENAI_ATTR } from '../constants';
import { chatInputMessages, chatOutputMessage } from '../parse/messages';
import { completionUsage } from '../parse/usage';
import { type Json, list, num, obj, parseArguments, str, stringList } from '../parse/values';
import { ChoicesStream, TextParts, ToolCallParts } from './choices-stream';
import type { Surface } from './surface';

/** `openai.response.*` attributes of a chat completion or chunk. */
export function responseAttributes(r: Json): Json | undefined {
  // A stream reads this on every chunk until one has them: most have neither,
  // and this check is free where two cross-bundle str() calls were ~80 ns a chunk.
  if (typeof r.service_tier !== 'string' && typeof r.system_fingerprint !== 'string')
    return undefined;
  const tier = str(r.service_tier);
  const fingerprint = str(r.system_fingerprint);
  if (!tier && !fingerprint) return undefined;
  const attrs: Json = {};
  if (tier) attrs[OPENAI_ATTR.RESPONSE_SERVICE_TIER] = tier;
  if (fingerprint) attrs[OPENAI_ATTR.RESPONSE_SYSTEM_FINGERPRINT] = fingerprint;
  return attrs;
}

/** Request parameters the two choices APIs (chat and legacy completions) share; `maxTokens` is each one's own. */
export function choicesRequest(
  body: Json,
  maxTokens: number | undefined,
): LLMOperationStart['request'] {
  return {
    maxTokens,
    temperature: num(body.temperature),
    topP: num(body.top_p),
    frequencyPenalty: num(body.frequency_penalty),
    presencePenalty: num(body.presence_penalty),
    stopSequences: stringList(body.stop),
    seed: num(body.seed),
    choiceCount: num(body.n),
    stream: body.stream === true,
  };
}

/** Each choice's finish reason, in one array (not a map and a filter: this runs on every call). */
function finishReasons(choices: unknown[]): string[] {
  const reasons: string[] = [];
  for (const choice of choices) {
    const reason = str(obj(choice)?.finish_reason);
    if (reason !== undefined) reasons.push(reason);
  }
  return reasons;
}

/** A whole chat or legacy completion: one output message per choice, read by `toMessage`. */
export function choicesResult(
  response: unknown,
  capture: boolean,
  toMessage: (choice: Json) => GenAIMessage,
): LLMOperationResult {
  const r = obj(response);
  if (!r) return {};
  const choices = list(r.choices);
  const result: LLMOperationResult = {
    responseModel: str(r.model),
    responseId: str(r.id),
    finishReasons: finishReasons(choices),
    usage: completionUsage(r.usage),
    attributes: responseAttributes(r) as LLMOperationResult['attributes'],
  };
  if (capture) result.outputMessages = choices.map((c) => toMessage(obj(c) ?? {}));
  return result;
}

export function requestAttributes(body: Json): LLMOperationStart['attributes'] {
  const tier = str(body.service_tier);
  return tier ? { [OPENAI_ATTR.REQUEST_SERVICE_TIER]: tier } : undefined;
}

/** `client.chat.completions.create()`, and through it `.parse()`, `.stream()` and `.runTools()`. */
export const chatSurface: Surface = {
  operation: OPERATION.CHAT,
  acceptsStreamOptions: true,

  start(body, capture) {
    const start: LLMOperationStart = {
      operation: OPERATION.CHAT,
      requestModel: str(body.model),
      request: choicesRequest(body, num(body.max_completion_tokens) ?? num(body.max_tokens)),
      attributes: requestAttributes(body),
    };
    if (capture) {
      start.inputMessages = chatInputMessages(body.messages);
      if (Array.isArray(body.tools)) start.toolDefinitions = body.tools;
    }
    return start;
  },

  result(response, capture) {
    return choicesResult(response, capture, chatOutputMessage);
  },

  accumulator(capture) {
    return new ChatStream(capture);
  },
};

class ChatStream extends ChoicesStream {
  private text: TextParts | undefined;
  private tools: ToolCallParts | undefined;

  protected override chunkAttributes(chunk: Json): Json | undefined {
    return responseAttributes(chunk);
  }

  protected collect(index: number, choice: Json): void {
    const delta = obj(choice.delta);
    if (!delta) return;
    if (delta.content !== undefined && delta.content !== null) {
      this.text ??= new TextParts();
      this.text.append(index, delta.content);
    }
    if (delta.tool_calls) {
      this.tools ??= new ToolCallParts();
      this.tools.append(index, delta.tool_calls);
    }
  }

  protected messages(reasons: (string | undefined)[]): GenAIMessage[] {
    const count = Math.max(
      reasons.length,
      this.text?.texts.length ?? 0,
      this.tools?.calls.length ?? 0,
    );
    const out: GenAIMessage[] = [];
    for (let index = 0; index < count; index++) {
      const parts: GenAIMessagePart[] = [];
      const text = this.text?.texts[index];
      if (text) parts.push({ type: 'text', content: text });
      for (const call of this.tools?.calls[index] ?? []) {
        if (!call) continue;
        parts.push({
          type: 'tool_call',
          id: call.id,
          name: call.name ?? 'unknown',
          arguments: parseArguments(call.arguments),
        });
      }
      const message: GenAIMessage = { role: 'assistant', parts };
      const finish = reasons[index];
      if (finish) message.finish_reason = finish;
      out.push(message);
    }
    return out;
  }
}
