import { type Context, createContextKey } from '@opentelemetry/api';

/**
 * Context entries through which operations find each other: an inference
 * started inside another one (LangChain handler around the OpenAI adapter) is
 * nested and leaves the metrics to the outer one; calls started inside an
 * agent invocation count towards it.
 */
export const INFERENCE_KEY = createContextKey('llmeter.inference');
export const AGENT_KEY = createContextKey('llmeter.agent');
/** The tool operation in progress: an MCP tool call inside it is not counted a second time. */
export const TOOL_KEY = createContextKey('llmeter.tool');

export interface InferenceLink {
  readonly ended: boolean;
  /** The outer operation's context: a nested operation's span becomes its child. */
  readonly context: Context;
  absorb(inner: NestedResult): void;
}

export interface AgentLink {
  countInferenceCall(): void;
  countToolCall(): void;
}

export interface ToolLink {
  readonly toolEnded: boolean;
}

/** What a nested (inner) inference hands to the operation that owns the metrics. */
export interface NestedResult {
  responseModel?: string;
  responseId?: string;
  finishReasons?: string[];
  usage?: import('../types').Usage;
  timeToFirstChunkS?: number;
  chunkGapsS?: number[];
}

export function activeInference(ctx: Context): InferenceLink | undefined {
  return ctx.getValue(INFERENCE_KEY) as InferenceLink | undefined;
}

export function activeAgent(ctx: Context): AgentLink | undefined {
  return ctx.getValue(AGENT_KEY) as AgentLink | undefined;
}

export function activeTool(ctx: Context): ToolLink | undefined {
  const tool = ctx.getValue(TOOL_KEY) as ToolLink | undefined;
  return tool && !tool.toolEnded ? tool : undefined;
}
