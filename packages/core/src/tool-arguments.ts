/**
 * Tool-call arguments as adapters receive them: JSON text for structured
 * tools (OpenAI function calls, LangChain structured tools), free text
 * otherwise. A JSON object or array is recorded parsed; anything else,
 * including text that merely happens to parse (`42`, `true`), as it came.
 */
export function parseToolArguments(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const first = value.trimStart()[0];
  if (first !== '{' && first !== '[') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
