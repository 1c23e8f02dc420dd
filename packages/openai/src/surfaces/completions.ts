import {
  type GenAIMessage,
  type LLMOperationResult,
  type LLMOperationStart,
  OPERATION,
} from '@llmeter/core';
import { promptMessages } from '../parse/messages';
import { completionUsage } from '../parse/usage';
import { type Json, list, num, obj, str, stringList } from '../parse/values';
import { responseAttributes } from './chat';
import { ChoicesStream, TextParts } from './choices-stream';
import type { Surface } from './surface';

function outputMessage(choice: Json): GenAIMessage {
  const text = typeof choice.text === 'string' ? choice.text : '';
  const message: GenAIMessage = { role: 'assistant', parts: [{ type: 'text', content: text }] };
  const finish = str(choice.finish_reason);
  if (finish) message.finish_reason = finish;
  return message;
}

/** `client.completions.create()`, the legacy text completions API. */
export const completionsSurface: Surface = {
  operation: OPERATION.TEXT_COMPLETION,
  acceptsStreamOptions: true,

  start(body, capture) {
    const start: LLMOperationStart = {
      operation: OPERATION.TEXT_COMPLETION,
      requestModel: str(body.model),
      request: {
        maxTokens: num(body.max_tokens),
        temperature: num(body.temperature),
        topP: num(body.top_p),
        frequencyPenalty: num(body.frequency_penalty),
        presencePenalty: num(body.presence_penalty),
        stopSequences: stringList(body.stop),
        seed: num(body.seed),
        choiceCount: num(body.n),
        stream: body.stream === true,
      },
    };
    if (capture) start.inputMessages = promptMessages(body.prompt);
    return start;
  },

  result(response, capture) {
    const r = obj(response);
    if (!r) return {};
    const choices = list(r.choices);
    const result: LLMOperationResult = {
      responseModel: str(r.model),
      responseId: str(r.id),
      finishReasons: choices.map((c) => str(obj(c)?.finish_reason)).filter((f) => f !== undefined),
      usage: completionUsage(r.usage),
      attributes: responseAttributes(r) as LLMOperationResult['attributes'],
    };
    if (capture) result.outputMessages = choices.map((c) => outputMessage(obj(c) ?? {}));
    return result;
  },

  accumulator(capture) {
    return new CompletionsStream(capture);
  },
};

class CompletionsStream extends ChoicesStream {
  private text: TextParts | undefined;

  protected collect(index: number, choice: Json): void {
    this.text ??= new TextParts();
    this.text.append(index, choice.text);
  }

  protected messages(reasons: (string | undefined)[]): GenAIMessage[] {
    const count = Math.max(reasons.length, this.text?.texts.length ?? 0);
    const out: GenAIMessage[] = [];
    for (let index = 0; index < count; index++) {
      out.push(
        outputMessage({ text: this.text?.texts[index] ?? '', finish_reason: reasons[index] }),
      );
    }
    return out;
  }
}
