import { type LLMOperationResult, type LLMOperationStart, OPERATION } from '@llmeter/core';
import { providerErrorType } from '@llmeter/core/internal';
import { ERROR_TYPE_RESPONSE_FAILED, RESPONSES_FINISH_REASON } from '../constants';
import {
  instructionParts,
  responsesInputMessages,
  responsesOutputMessages,
} from '../parse/messages';
import { responsesUsage } from '../parse/usage';
import { type Json, list, num, obj, str } from '../parse/values';
import { requestAttributes, responseAttributes } from './chat';
import type { StreamAccumulator, StreamFailure, Surface } from './surface';

/**
 * The Responses API reports a status rather than finish reasons; map it onto
 * the chat vocabulary so dashboards can group both.
 */
function finishReason(r: Json): string | undefined {
  switch (r.status) {
    case 'completed':
      return list(r.output).some((item) => obj(item)?.type === 'function_call')
        ? RESPONSES_FINISH_REASON.TOOL_CALLS
        : RESPONSES_FINISH_REASON.STOP;
    case 'incomplete': {
      const reason = str(obj(r.incomplete_details)?.reason);
      if (reason === 'content_filter') return RESPONSES_FINISH_REASON.CONTENT_FILTER;
      return RESPONSES_FINISH_REASON.LENGTH;
    }
    case 'failed':
      return RESPONSES_FINISH_REASON.ERROR;
    default:
      return undefined;
  }
}

function conversationId(body: Json): string | undefined {
  return typeof body.conversation === 'string'
    ? body.conversation
    : str(obj(body.conversation)?.id);
}

function describe(r: Json, capture: boolean): LLMOperationResult {
  const finish = finishReason(r);
  const result: LLMOperationResult = {
    responseModel: str(r.model),
    responseId: str(r.id),
    usage: responsesUsage(r.usage),
    attributes: responseAttributes(r) as LLMOperationResult['attributes'],
  };
  if (finish) result.finishReasons = [finish];
  if (capture) result.outputMessages = responsesOutputMessages(r.output, finish);
  return result;
}

/** `client.responses.create()`, and through it `.parse()` and `.stream()`. */
export const responsesSurface: Surface = {
  operation: OPERATION.CHAT,
  acceptsStreamOptions: false,

  start(body, capture) {
    const start: LLMOperationStart = {
      operation: OPERATION.CHAT,
      requestModel: str(body.model),
      request: {
        maxTokens: num(body.max_output_tokens),
        temperature: num(body.temperature),
        topP: num(body.top_p),
        stream: body.stream === true,
      },
      conversationId: conversationId(body),
      attributes: requestAttributes(body),
    };
    if (capture) {
      start.inputMessages = responsesInputMessages(body.input);
      start.systemInstructions = instructionParts(body.instructions);
      if (Array.isArray(body.tools)) start.toolDefinitions = body.tools;
    }
    return start;
  },

  result(response, capture) {
    const r = obj(response);
    return r ? describe(r, capture) : {};
  },

  failure(response) {
    return failureOf(obj(response));
  },

  accumulator(capture) {
    return new ResponsesStream(capture);
  },
};

/** A response whose status is `failed` (HTTP 200, streamed or not) is a failed operation. */
function failureOf(r: Json | undefined): StreamFailure | undefined {
  if (r?.status !== 'failed') return undefined;
  const error = obj(r.error) ?? { message: 'response failed' };
  // The body's `code` names the type only when it is one OpenAI documents: it could be anything.
  return { error, errorType: providerErrorType(error.code) ?? ERROR_TYPE_RESPONSE_FAILED };
}

const TERMINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/**
 * Streamed Responses: semantic events. An output chunk is an event whose type
 * ends in `.delta` (output text, refusal, function call arguments, reasoning
 * text deltas); lifecycle events are not. The terminal event
 * (`response.completed`, `.incomplete`, `.failed`) carries the whole response.
 */
class ResponsesStream implements StreamAccumulator {
  private started: Json | undefined;
  private final: Json | undefined;

  constructor(private readonly capture: boolean) {}

  add(item: unknown): boolean {
    const event = item as Json | null;
    if (event === null || typeof event !== 'object') return false;
    const type = event.type;
    if (typeof type !== 'string') return false;
    if (type.endsWith('.delta')) return true;
    if (TERMINAL_EVENTS.has(type)) this.final = obj(event.response);
    else if (this.started === undefined && type === 'response.created') {
      this.started = obj(event.response);
    }
    return false;
  }

  get finished(): boolean {
    return this.final !== undefined;
  }

  result(): LLMOperationResult {
    if (this.final) return describe(this.final, this.capture);
    const s = this.started;
    return s ? { responseModel: str(s.model), responseId: str(s.id) } : {};
  }

  failure(): StreamFailure | undefined {
    return failureOf(this.final);
  }
}
