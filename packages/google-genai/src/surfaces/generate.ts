import type {
  GenAIMessage,
  GenAIMessagePart,
  LLMOperationResult,
  LLMOperationStart,
} from '@llmeter/core';
import { GOOGLE_GENAI_ATTR, OPERATION_GENERATE_CONTENT, OUTPUT_TYPE_BY_MIME } from '../constants';
import {
  finishReason,
  inputMessages,
  messagePart,
  outputMessages,
  systemInstructionParts,
  toolDefinitions,
} from '../parse/messages';
import { geminiUsage } from '../parse/usage';
import { type Json, list, modelId, num, obj, str, strings } from '../parse/values';
import type { StreamAccumulator, Surface } from './surface';

function startOf(params: Json, capture: boolean, stream: boolean): LLMOperationStart {
  const config = obj(params.config) ?? {};
  const start: LLMOperationStart = {
    operation: OPERATION_GENERATE_CONTENT,
    requestModel: modelId(params.model),
    request: {
      maxTokens: num(config.maxOutputTokens),
      temperature: num(config.temperature),
      topP: num(config.topP),
      frequencyPenalty: num(config.frequencyPenalty),
      presencePenalty: num(config.presencePenalty),
      stopSequences: strings(config.stopSequences),
      seed: num(config.seed),
      choiceCount: num(config.candidateCount),
      stream,
    },
  };
  const topK = num(config.topK);
  const outputType = OUTPUT_TYPE_BY_MIME[str(config.responseMimeType) ?? ''];
  if (topK !== undefined || outputType !== undefined) {
    start.attributes = {};
    if (topK !== undefined) start.attributes[GOOGLE_GENAI_ATTR.REQUEST_TOP_K] = topK;
    if (outputType !== undefined) start.attributes[GOOGLE_GENAI_ATTR.OUTPUT_TYPE] = outputType;
  }
  if (capture) {
    start.inputMessages = inputMessages(params.contents);
    start.systemInstructions = systemInstructionParts(config.systemInstruction);
    start.toolDefinitions = toolDefinitions(config.tools);
  }
  return start;
}

function finishReasons(candidates: unknown[]): string[] | undefined {
  const out: string[] = [];
  for (const c of candidates) {
    const reason = finishReason(obj(c)?.finishReason);
    if (reason) out.push(reason);
  }
  return out.length > 0 ? out : undefined;
}

function describe(response: unknown, capture: boolean): LLMOperationResult {
  const r = obj(response);
  if (!r) return {};
  const candidates = list(r.candidates);
  const result: LLMOperationResult = {
    responseModel: str(r.modelVersion),
    responseId: str(r.responseId),
    finishReasons: finishReasons(candidates),
    usage: geminiUsage(r.usageMetadata),
  };
  if (capture && candidates.length > 0) result.outputMessages = outputMessages(candidates);
  return result;
}

/** `models.generateContent()` (and chats' `sendMessage`), one model request at a time. */
export const generateSurface: Surface = {
  streams: false,
  start: (params, capture) => startOf(params, capture, false),
  result: describe,
  accumulator: (capture) => new GenerateStream(capture),
};

/** `models.generateContentStream()` (and chats' `sendMessageStream`). */
export const streamSurface: Surface = {
  streams: true,
  start: (params, capture) => startOf(params, capture, true),
  result: describe,
  accumulator: (capture) => new GenerateStream(capture),
};

/**
 * Streamed `GenerateContentResponse` chunks. Each carries the usage of the
 * request so far (a running total, not a delta), so the latest one counts; a
 * chunk is an output chunk when a candidate in it has parts. Candidates are
 * told apart by `index`.
 */
class GenerateStream implements StreamAccumulator {
  private model: string | undefined;
  private id: string | undefined;
  private usage: unknown;
  /** Finish reason by candidate index, as the provider spelt it (lower-cased at the end). */
  private readonly reasons: unknown[] = [];
  private ended = false;
  /** Content capture only: the parts of each candidate, text runs joined. */
  private parts: GenAIMessagePart[][] | undefined;

  constructor(private readonly capture: boolean) {}

  add(item: unknown): boolean {
    const chunk = item as Json | null;
    if (chunk === null || typeof chunk !== 'object') return false;
    if (this.model === undefined && typeof chunk.modelVersion === 'string')
      this.model = chunk.modelVersion;
    if (this.id === undefined && typeof chunk.responseId === 'string') this.id = chunk.responseId;
    if (chunk.usageMetadata) this.usage = chunk.usageMetadata;
    const candidates = chunk.candidates;
    if (!Array.isArray(candidates)) return false;
    let output = false;
    for (let i = 0; i < candidates.length; i++) {
      const candidate = candidates[i] as Json | null;
      if (candidate === null || typeof candidate !== 'object') continue;
      const index =
        Number.isInteger(candidate.index) &&
        (candidate.index as number) >= 0 &&
        (candidate.index as number) < 64
          ? (candidate.index as number)
          : i;
      if (typeof candidate.finishReason === 'string' && candidate.finishReason !== '') {
        this.reasons[index] = candidate.finishReason;
        this.ended = true;
      }
      const parts = (candidate.content as Json | null | undefined)?.parts;
      if (Array.isArray(parts) && parts.length > 0) {
        output = true;
        if (this.capture) this.collect(index, parts);
      }
    }
    return output;
  }

  get finished(): boolean {
    return this.ended;
  }

  result(): LLMOperationResult {
    const result: LLMOperationResult = {};
    if (this.model) result.responseModel = this.model;
    if (this.id) result.responseId = this.id;
    const reasons: string[] = [];
    for (const r of this.reasons) {
      const reason = finishReason(r);
      if (reason) reasons.push(reason);
    }
    if (reasons.length > 0) result.finishReasons = reasons;
    const usage = geminiUsage(this.usage);
    if (usage) result.usage = usage;
    if (this.capture && this.parts) result.outputMessages = this.messages();
    return result;
  }

  private collect(index: number, parts: unknown[]): void {
    this.parts ??= [];
    this.parts[index] ??= [];
    const into = this.parts[index];
    for (const raw of parts) {
      const part = messagePart(raw);
      if (!part) continue;
      const last = into[into.length - 1];
      // Streamed text arrives in runs: join a run into one part.
      if (last && last.type === part.type && (part.type === 'text' || part.type === 'reasoning')) {
        const run = last as { content: string };
        run.content = `${run.content}${String((part as { content: string }).content)}`;
      } else into.push(part);
    }
  }

  private messages(): GenAIMessage[] {
    const count = Math.max(this.parts?.length ?? 0, this.reasons.length);
    const out: GenAIMessage[] = [];
    for (let index = 0; index < count; index++) {
      const message: GenAIMessage = { role: 'assistant', parts: this.parts?.[index] ?? [] };
      const finish = finishReason(this.reasons[index]);
      if (finish) message.finish_reason = finish;
      out.push(message);
    }
    return out;
  }
}
