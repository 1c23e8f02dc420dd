import type { GenAIMessage, GenAIMessagePart } from '@llmeter/core';
import { type Json, list, obj, str } from './values';

/**
 * Gemini contents → the semconv GenAI message shape. Only called when
 * content capture is on; core redacts and bounds what these build.
 */

function modality(mimeType: unknown): string {
  const mime = str(mimeType) ?? '';
  const slash = mime.indexOf('/');
  return slash > 0 ? mime.slice(0, slash) : 'unknown';
}

/** One Gemini `Part`; inline bytes are the content itself (large, possibly sensitive): kind only. */
export function messagePart(raw: unknown): GenAIMessagePart | undefined {
  if (typeof raw === 'string') return { type: 'text', content: raw };
  const part = obj(raw);
  if (!part) return undefined;
  if (typeof part.text === 'string') {
    return part.thought === true
      ? { type: 'reasoning', content: part.text }
      : { type: 'text', content: part.text };
  }
  const call = obj(part.functionCall);
  if (call)
    return {
      type: 'tool_call',
      id: str(call.id),
      name: str(call.name) ?? 'unknown',
      arguments: call.args,
    };
  const response = obj(part.functionResponse);
  if (response)
    return {
      type: 'tool_call_response',
      id: str(response.id) ?? str(response.name),
      response: response.response,
    };
  const inline = obj(part.inlineData);
  if (inline) return { type: 'blob', modality: modality(inline.mimeType) };
  const file = obj(part.fileData);
  if (file) return { type: 'uri', modality: modality(file.mimeType), uri: str(file.fileUri) };
  if (obj(part.executableCode)) return { type: 'executable_code' };
  if (obj(part.codeExecutionResult)) return { type: 'code_execution_result' };
  return undefined;
}

export function messageParts(parts: unknown): GenAIMessagePart[] {
  const out: GenAIMessagePart[] = [];
  for (const raw of list(parts)) {
    const part = messagePart(raw);
    if (part) out.push(part);
  }
  return out;
}

const isContent = (value: Json | undefined): boolean =>
  value !== undefined && (Array.isArray(value.parts) || typeof value.role === 'string');

/** Gemini says `model` where the conventions say `assistant`; function results are the `tool`'s. */
function roleOf(content: Json, parts: GenAIMessagePart[]): string {
  if (content.role === 'model') return 'assistant';
  if (parts.length > 0 && parts.every((p) => p.type === 'tool_call_response')) return 'tool';
  return str(content.role) ?? 'user';
}

function message(content: Json): GenAIMessage {
  const parts = messageParts(content.parts);
  return { role: roleOf(content, parts), parts };
}

/**
 * `contents` as the SDK accepts it: a string, a Part, a Content, or an array
 * of Contents or of Parts/strings (which make one user turn).
 */
export function inputMessages(contents: unknown): GenAIMessage[] | undefined {
  if (typeof contents === 'string')
    return [{ role: 'user', parts: [{ type: 'text', content: contents }] }];
  const single = obj(contents);
  if (single && !Array.isArray(contents)) {
    return [isContent(single) ? message(single) : { role: 'user', parts: messageParts([single]) }];
  }
  const items = list(contents);
  if (items.length === 0) return undefined;
  if (items.every((item) => isContent(obj(item))))
    return items.map((item) => message(obj(item) ?? {}));
  const parts = messageParts(items);
  return parts.length > 0 ? [{ role: 'user', parts }] : undefined;
}

/** `config.systemInstruction`: a string, a Part, Parts or a Content. */
export function systemInstructionParts(value: unknown): GenAIMessagePart[] | undefined {
  if (value === undefined || value === null) return undefined;
  const content = obj(value);
  const parts =
    content && !Array.isArray(value) && Array.isArray(content.parts)
      ? messageParts(content.parts)
      : messageParts(Array.isArray(value) ? value : [value]);
  return parts.length > 0 ? parts : undefined;
}

/** `config.tools` function declarations in the conventions' tool definition shape; other tools by kind. */
export function toolDefinitions(tools: unknown): unknown[] | undefined {
  const out: unknown[] = [];
  for (const raw of list(tools)) {
    const tool = obj(raw);
    if (!tool) continue;
    const declarations = list(tool.functionDeclarations);
    for (const d of declarations) {
      const fn = obj(d);
      if (!fn) continue;
      out.push({
        type: 'function',
        name: str(fn.name) ?? 'unknown',
        description: str(fn.description),
        parameters: fn.parametersJsonSchema ?? fn.parameters,
      });
    }
    if (declarations.length === 0) {
      for (const key of Object.keys(tool)) out.push({ type: key });
    }
  }
  return out.length > 0 ? out : undefined;
}

/** The finish reason of a candidate, lower-cased as the conventions write them (`STOP` → `stop`). */
export function finishReason(value: unknown): string | undefined {
  const reason = str(value);
  return reason === undefined ? undefined : reason.toLowerCase();
}

/** One output message per candidate. */
export function outputMessages(candidates: unknown[]): GenAIMessage[] {
  return candidates.map((raw) => {
    const candidate = obj(raw) ?? {};
    const out: GenAIMessage = {
      role: 'assistant',
      parts: messageParts(obj(candidate.content)?.parts),
    };
    const finish = finishReason(candidate.finishReason);
    if (finish) out.finish_reason = finish;
    return out;
  });
}
