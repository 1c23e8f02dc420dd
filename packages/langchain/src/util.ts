/** Defensive readers: LangChain payloads are loosely typed and may come from user code. */

const EMPTY: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : EMPTY;
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Last element of a serialized id (`['langchain', 'chat_models', 'openai', 'ChatOpenAI']`): the class name. */
export function lastId(serialized: unknown): string | undefined {
  const id = asRecord(serialized).id;
  return Array.isArray(id) ? asString(id[id.length - 1]) : undefined;
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
