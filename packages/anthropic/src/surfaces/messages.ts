import { type LLMOperationResult, type LLMOperationStart, OPERATION } from '@llmeter/core';
import { ANTHROPIC_ATTR, OUTPUT_TYPE_JSON } from '../constants';
import { inputMessages, outputMessage, systemInstructions } from '../parse/messages';
import { messageUsage } from '../parse/usage';
import { num, obj, str, strings } from '../parse/values';
import { MessagesStream } from './messages-stream';
import type { Surface } from './surface';

/** `output_config.format` (or the beta's older `output_format`) asking for JSON. */
const isJsonSchema = (format: unknown): boolean => obj(format)?.type === 'json_schema';

/**
 * `client.messages.create()` and `client.beta.messages.create()` (same
 * request and response shapes), and through them `messages.stream()`,
 * `messages.parse()` and the beta tool runner, which call `create` themselves.
 */
export const messagesSurface: Surface = {
  start(body, capture) {
    const start: LLMOperationStart = {
      operation: OPERATION.CHAT,
      requestModel: str(body.model),
      request: {
        maxTokens: num(body.max_tokens),
        temperature: num(body.temperature),
        topP: num(body.top_p),
        stopSequences: strings(body.stop_sequences),
        stream: body.stream === true,
      },
    };
    const topK = num(body.top_k);
    const json = isJsonSchema(obj(body.output_config)?.format) || isJsonSchema(body.output_format);
    if (topK !== undefined || json) {
      start.attributes = {};
      if (topK !== undefined) start.attributes[ANTHROPIC_ATTR.REQUEST_TOP_K] = topK;
      if (json) start.attributes[ANTHROPIC_ATTR.OUTPUT_TYPE] = OUTPUT_TYPE_JSON;
    }
    if (capture) {
      start.inputMessages = inputMessages(body.messages);
      start.systemInstructions = systemInstructions(body.system);
      if (Array.isArray(body.tools)) start.toolDefinitions = body.tools;
    }
    return start;
  },

  result(response, capture) {
    const r = obj(response);
    if (!r) return {};
    const stop = str(r.stop_reason);
    const result: LLMOperationResult = {
      responseModel: str(r.model),
      responseId: str(r.id),
      usage: messageUsage(r.usage),
    };
    if (stop) result.finishReasons = [stop];
    if (capture) result.outputMessages = [outputMessage(r)];
    return result;
  },

  accumulator(capture) {
    return new MessagesStream(capture);
  },
};
