import { type GenAIMessage, type LLMOperationStart, OPERATION } from '@llmeter/core';
import { promptMessages } from '../parse/messages';
import { type Json, num, str } from '../parse/values';
import { choicesRequest, choicesResult } from './chat';
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
      request: choicesRequest(body, num(body.max_tokens)),
    };
    if (capture) start.inputMessages = promptMessages(body.prompt);
    return start;
  },

  result(response, capture) {
    return choicesResult(response, capture, outputMessage);
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
