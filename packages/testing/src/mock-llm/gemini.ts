import type { MockLLMBehavior } from '../types.js';
import { defaultResponseModel } from './behavior.js';
import { dataFrame, type Frame, type RequestContext, sendJson, streamFrames } from './respond.js';
import { countTokens, type Json, list, obj, replyTokens } from './tokens.js';
import { chooseToolCalls, type ToolSpec, toolArguments } from './tool-calls.js';

/** The text of a Gemini `Content`: its text parts joined. */
function contentText(content: unknown): string {
  return list(obj(content).parts)
    .map((part) => (typeof obj(part).text === 'string' ? String(obj(part).text) : ''))
    .join('');
}

/** Input tokens: ~4 characters a token over every content, the system instruction and the tools. */
function promptTokens(body: Json): number {
  let total = 0;
  for (const content of list(body.contents)) {
    total += 1 + countTokens(contentText(content));
    for (const part of list(obj(content).parts).map(obj)) {
      if (part.functionCall) total += countTokens(JSON.stringify(part.functionCall));
      if (part.functionResponse) total += countTokens(JSON.stringify(part.functionResponse));
    }
  }
  if (body.systemInstruction) total += countTokens(contentText(body.systemInstruction));
  if (body.tools) total += countTokens(JSON.stringify(body.tools));
  return Math.max(1, total);
}

/** Gemini schemas spell types in upper case (`OBJECT`, `STRING`); the sampler reads JSON Schema's. */
function jsonSchema(schema: unknown): Json {
  const s = obj(schema);
  const out: Json = { ...s };
  if (typeof s.type === 'string') out.type = s.type.toLowerCase();
  if (s.items) out.items = jsonSchema(s.items);
  if (s.properties) {
    out.properties = Object.fromEntries(
      Object.entries(obj(s.properties)).map(([key, value]) => [key, jsonSchema(value)]),
    );
  }
  return out;
}

function geminiTools(body: Json): ToolSpec[] {
  return list(body.tools)
    .flatMap((tool) => list(obj(tool).functionDeclarations))
    .map(obj)
    .filter((fn) => typeof fn.name === 'string')
    .map((fn) => ({
      name: String(fn.name),
      parameters: jsonSchema(fn.parametersJsonSchema ?? fn.parameters),
    }));
}

/** `toolConfig.functionCallingConfig` in the OpenAI vocabulary the shared tool chooser reads. */
function toolChoice(body: Json): unknown {
  const config = obj(obj(body.toolConfig).functionCallingConfig);
  if (config.mode === 'NONE') return 'none';
  if (config.mode !== 'ANY') return undefined;
  const allowed = list(config.allowedFunctionNames);
  return allowed.length === 1 ? { name: allowed[0] } : 'required';
}

/** The finish reason knob in Gemini's enum: OpenAI's words mapped, anything else upper-cased. */
function finishReason(behavior: MockLLMBehavior): string {
  switch (behavior.finishReason) {
    case 'stop':
      return 'STOP';
    case 'length':
      return 'MAX_TOKENS';
    case 'content_filter':
      return 'SAFETY';
    default:
      return behavior.finishReason.toUpperCase();
  }
}

/** The model version Gemini reports: the model asked for, unless the knob says otherwise. */
function modelVersion(behavior: MockLLMBehavior, model: string): string {
  return behavior.responseModel === defaultResponseModel ? model : behavior.responseModel(model);
}

interface Usage {
  prompt: number;
  candidates: number;
  thoughts: number;
  cached: number;
}

/**
 * `usageMetadata` as Gemini reports it: thoughts are not part of the
 * candidates count (unlike OpenAI's reasoning tokens), cached content is part
 * of the prompt count.
 */
function usageMetadata(u: Usage): Json {
  const meta: Json = {
    promptTokenCount: u.prompt,
    candidatesTokenCount: u.candidates,
    totalTokenCount: u.prompt + u.candidates + u.thoughts,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: u.prompt }],
  };
  if (u.thoughts > 0) meta.thoughtsTokenCount = u.thoughts;
  if (u.cached > 0) {
    meta.cachedContentTokenCount = u.cached;
    meta.cacheTokensDetails = [{ modality: 'TEXT', tokenCount: u.cached }];
  }
  return meta;
}

const THOUGHT = 'Thinking about how to answer.';

/**
 * `models/{model}:generateContent` and `:streamGenerateContent?alt=sse`: text,
 * function calls or thought parts, one candidate per `candidateCount`. Streamed,
 * every chunk is a whole `GenerateContentResponse` with the usage so far (the
 * prompt count from the first chunk, the candidates count growing), and the
 * last chunk of each candidate carries its finish reason, as the Gemini API
 * streams.
 */
export async function generateContent(
  ctx: RequestContext,
  model: string,
  stream: boolean,
): Promise<void> {
  const { body, behavior } = ctx;
  const contents = list(body.contents).map(obj);
  const lastUser = [...contents].reverse().find((c) => c.role !== 'model');
  const lastParts = list(contents.at(-1)?.parts).map(obj);
  const calls = chooseToolCalls({
    tools: geminiTools(body),
    toolChoice: toolChoice(body),
    lastUserText: contentText(lastUser),
    endsWithToolResult: lastParts.some((p) => p.functionResponse !== undefined),
    behavior,
  }).map((tool) => ({ name: tool.name, args: JSON.parse(toolArguments(tool, behavior)) as Json }));
  const config = obj(body.generationConfig);
  const candidateCount = Math.max(1, Number(config.candidateCount ?? 1) || 1);
  const showThoughts =
    obj(config.thinkingConfig).includeThoughts === true && behavior.reasoningTokens > 0;
  const tokens = replyTokens(behavior);
  const perCandidate = calls.length > 0 ? calls.length * 4 : tokens.length;
  const prompt = promptTokens(body);
  const usage: Usage = {
    prompt,
    candidates: perCandidate * candidateCount,
    thoughts: behavior.reasoningTokens,
    cached: Math.min(behavior.cachedTokens, prompt),
  };
  const envelope = { modelVersion: modelVersion(behavior, model), responseId: ctx.nextId('') };
  const finish = finishReason(behavior);
  const indexes = Array.from({ length: candidateCount }, (_, index) => index);
  const callParts = calls.map((call) => ({ functionCall: call }));

  if (!stream) {
    const parts: Json[] = [];
    if (showThoughts) parts.push({ text: THOUGHT, thought: true });
    if (calls.length > 0) parts.push(...callParts);
    else parts.push({ text: tokens.join('') });
    await sendJson(ctx, {
      candidates: indexes.map((index) => ({
        content: { parts, role: 'model' },
        finishReason: finish,
        index,
      })),
      usageMetadata: usageMetadata(usage),
      ...envelope,
    });
    return;
  }

  const steps: Json[][] = [];
  if (showThoughts) steps.push([{ text: THOUGHT, thought: true }]);
  if (calls.length > 0) steps.push(callParts);
  else for (const token of tokens) steps.push([{ text: token }]);
  const frames: Frame[] = [];
  let emitted = 0;
  steps.forEach((parts, step) => {
    const last = step === steps.length - 1;
    for (const index of indexes) {
      if (parts[0]?.thought !== true) emitted += calls.length > 0 ? 4 * calls.length : 1;
      const candidate: Json = { content: { parts, role: 'model' }, index };
      if (last) candidate.finishReason = finish;
      frames.push(
        dataFrame({
          candidates: [candidate],
          usageMetadata: usageMetadata({
            ...usage,
            candidates: emitted,
            thoughts: last ? usage.thoughts : 0,
          }),
          ...envelope,
        }),
      );
    }
  });
  await streamFrames(ctx, frames);
}
