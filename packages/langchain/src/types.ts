/** What the handler knows about a chain run when it decides whether it is an agent. */
export interface ChainRunInfo {
  /** The run name (`runName`, the graph or agent name, ...). */
  name: string | undefined;
  /** Last element of the serialized id: the class, e.g. `CompiledStateGraph`, `RunnableSequence`. */
  className: string | undefined;
  tags: readonly string[];
  metadata: Readonly<Record<string, unknown>>;
}

/** Options of `new LLMeterCallbackHandler(options)`. Every one is optional. */
export interface LLMeterCallbackHandlerOptions {
  /**
   * Name of agent runs that carry none (a LangGraph graph left at its default
   * name `LangGraph`, an unnamed `createAgent`). Default `langchain_agent`.
   */
  agentName?: string;
  /** Chain run names that are agent invocations, beyond the built-in detection. */
  agentRunNames?: string[];
  /**
   * Decides whether a chain run is an agent invocation: a string is the agent
   * name, `true` an agent (named as usual), `false` not an agent, `undefined`
   * leaves it to the built-in rules. Must not throw (if it does, the rules apply).
   */
  isAgentRun?: (run: ChainRunInfo) => string | boolean | undefined;
  /**
   * Treat every LangGraph compiled graph run (`createReactAgent`, a custom
   * `StateGraph`) as an agent invocation. Default true. langchain v1
   * `createAgent` graphs are agents either way.
   */
  langGraphAgents?: boolean;
  /**
   * `invoke_workflow` spans for chains and runnables (agents are detected either way).
   * Default `'outside-agents'`: chains outside any agent get one, while those an agent
   * runs (LangGraph nodes such as `model_request` and `tools`, `RunnableLambda`s) do
   * not, so an agent's trace reads agent → model calls → tools. `true`: every chain,
   * the chain-level detail; `false`: none.
   */
  chainSpans?: boolean | 'outside-agents';
  /**
   * `false` keeps prompts, completions, tool arguments and results out of this
   * handler's spans even when content capture is on in `init()`. It cannot switch
   * capture on: that is `init({ captureContent })` (or
   * OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT), and the redaction hook
   * there applies to everything this handler passes.
   */
  captureContent?: boolean;
  /**
   * `gen_ai.provider.name` for models whose provider cannot be told from the
   * class, metadata or base URL (e.g. ChatOpenAI pointed at a self-hosted vLLM).
   * Default `openai`, as for any OpenAI-compatible server.
   */
  provider?: string;
  /**
   * Record LangChain's tokenizer estimate (`llmOutput.estimatedTokenUsage`) when
   * the provider reported no usage, marked `llmeter.usage.estimated`. Default false.
   */
  estimatedUsage?: boolean;
  /** Most runs tracked at once; beyond it the oldest is evicted. Default 10 000. */
  maxRuns?: number;
  /** A run not ended after this long is evicted (its span ended, marked). Default 15 minutes. */
  runTtlMs?: number;
  /** As in LangChain's BaseCallbackHandler: skip those kinds of runs. */
  ignoreLLM?: boolean;
  ignoreChain?: boolean;
  ignoreAgent?: boolean;
  ignoreRetriever?: boolean;
}
