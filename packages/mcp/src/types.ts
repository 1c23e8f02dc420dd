/** Options of `instrumentMCPClient()`. */
export interface InstrumentMCPClientOptions {
  /**
   * `false`: this client's `tools/call` requests are MCP operations only, not
   * also tool executions of the agent (`gen_ai.execute_tool.duration`, the
   * agent's tool calls). For a framework that wraps each MCP tool in a tool of
   * its own which llmeter already measures, such as a LangChain tool seen by
   * `LLMeterCallbackHandler`. Default true. (A `withTool()` around the call is
   * recognised without this.)
   */
  countToolCalls?: boolean;
}
