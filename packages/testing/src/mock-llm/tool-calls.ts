import type { MockLLMBehavior } from '../types.js';
import { type Json, list, obj } from './tokens.js';

/** A declared function tool, whichever API declared it. */
export interface ToolSpec {
  name: string;
  parameters: Json;
}

/** Chat Completions nests the function: `{type:'function', function:{name, parameters}}`. */
export function chatTools(body: Json): ToolSpec[] {
  return list(body.tools)
    .map((tool) => obj(obj(tool).function))
    .filter((fn) => typeof fn.name === 'string')
    .map((fn) => ({ name: String(fn.name), parameters: obj(fn.parameters) }));
}

/** The Responses API flattens it: `{type:'function', name, parameters}`. */
export function responsesTools(body: Json): ToolSpec[] {
  return list(body.tools)
    .map(obj)
    .filter((tool) => tool.type === 'function' && typeof tool.name === 'string')
    .map((tool) => ({ name: String(tool.name), parameters: obj(tool.parameters) }));
}

/** The tool `tool_choice` forces, in either API's shape, if any. */
function forcedName(toolChoice: unknown): string | undefined {
  const choice = obj(toolChoice);
  const name = obj(choice.function).name ?? choice.name;
  return typeof name === 'string' ? name : undefined;
}

export interface ToolDecisionInput {
  tools: ToolSpec[];
  toolChoice: unknown;
  /** Text of the last user message. */
  lastUserText: string;
  /** The conversation ends with a tool result: the model now answers in text. */
  endsWithToolResult: boolean;
  behavior: MockLLMBehavior;
}

/** Which tools the reply calls (several mentioned tools are called in parallel); empty for text. */
export function chooseToolCalls(input: ToolDecisionInput): ToolSpec[] {
  const { tools, toolChoice, lastUserText, endsWithToolResult, behavior } = input;
  const mode = behavior.toolCall;
  if (tools.length === 0 || endsWithToolResult || mode === 'never' || toolChoice === 'none')
    return [];
  const first = tools[0] as ToolSpec;
  if (mode === 'always') return [first];
  if (mode !== 'auto')
    return [tools.find((t) => t.name === mode) ?? { name: mode, parameters: {} }];
  const forced = forcedName(toolChoice);
  if (forced) return [tools.find((t) => t.name === forced) ?? { name: forced, parameters: {} }];
  const mentioned = tools.filter((t) => lastUserText.includes(t.name));
  if (mentioned.length > 0) return mentioned;
  if (toolChoice === 'required' || /\b(tool|function)s?\b/i.test(lastUserText)) return [first];
  return [];
}

function sampleValue(schema: Json): unknown {
  const enumValues = list(schema.enum);
  if (enumValues.length > 0) return enumValues[0];
  switch (schema.type) {
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [sampleValue(obj(schema.items))];
    case 'object':
      return sampleObject(schema);
    default:
      return 'mock';
  }
}

function sampleObject(schema: Json): Json {
  const out: Json = {};
  for (const [key, property] of Object.entries(obj(schema.properties)))
    out[key] = sampleValue(obj(property));
  return out;
}

/** JSON arguments for a call: the `toolArguments` knob, else a sample that fits the tool's schema. */
export function toolArguments(tool: ToolSpec, behavior: MockLLMBehavior): string {
  return JSON.stringify(behavior.toolArguments ?? sampleObject(tool.parameters));
}
