/**
 * Every name this adapter emits or reads from LangChain, in one place.
 * Attribute and metric names shared with the other adapters come from
 * `@llmeter/core`'s constants; only LangChain-specific ones live here.
 */

/**
 * The handler's `name`. LangChain de-duplicates handlers by name when a
 * configure hook adds one, so a handler attached process-wide is not added a
 * second time to a run that already carries one passed per call.
 */
export const HANDLER_NAME = 'llmeter_callback_handler';
/** `instrumentationName` of `LangChainInstrumentation`. */
export const INSTRUMENTATION_NAME = '@llmeter/langchain';
/** This package's version, reported as the instrumentation's version. */
export const PACKAGE_VERSION = '0.1.0';
/** The `@langchain/core` releases this package supports (the peer dependency range). */
export const SUPPORTED_VERSIONS = ['>=1.0.0 <2'];

/** Context variable that holds the process-wide handler (see `attachLLMeterGlobally`). */
export const GLOBAL_HANDLER_CONTEXT_VAR = 'llmeter_callback_handler';

/** Span attributes added by this adapter. */
export const LC_ATTR = {
  /** Set on the span of a run that never ended and was evicted from the run store. */
  RUN_EVICTED: 'llmeter.langchain.run_evicted',
  /** LangGraph node a workflow span belongs to (from run metadata). */
  LANGGRAPH_NODE: 'llmeter.langgraph.node',
  /** Retriever class or run name on retrieval spans. */
  RETRIEVER_NAME: 'llmeter.retriever.name',
} as const;

/** Span events added to agent spans for classic AgentExecutor callbacks. */
export const LC_EVENT = {
  AGENT_ACTION: 'llmeter.agent.action',
  AGENT_FINISH: 'llmeter.agent.finish',
} as const;

/** `gen_ai.operation.name` and span-name prefix of retriever spans. */
export const RETRIEVAL_OPERATION = 'retrieval';

/** Defaults of the handler's bounds. */
export const DEFAULT_MAX_RUNS = 10_000;
export const DEFAULT_RUN_TTL_MS = 15 * 60 * 1000;
/** Fallback name for an agent run that carries none. */
export const DEFAULT_AGENT_NAME = 'langchain_agent';

/** Tag LangChain puts on internal runs that LangSmith hides (e.g. LangGraph's `__start__`). */
export const HIDDEN_TAG = 'langsmith:hidden';

/** Run metadata keys LangChain and LangGraph set. */
export const META = {
  LS_PROVIDER: 'ls_provider',
  LS_MODEL_NAME: 'ls_model_name',
  LS_TEMPERATURE: 'ls_temperature',
  LS_MAX_TOKENS: 'ls_max_tokens',
  LS_STOP: 'ls_stop',
  LS_INTEGRATION: 'ls_integration',
  /** langchain v1 `createAgent({ name })`. */
  LC_AGENT_NAME: 'lc_agent_name',
  LANGGRAPH_NODE: 'langgraph_node',
  THREAD_ID: 'thread_id',
  CONVERSATION_ID: 'conversation_id',
  SESSION_ID: 'session_id',
} as const;

/** `metadata.ls_integration` of the graph built by langchain v1's `createAgent`. */
export const CREATE_AGENT_INTEGRATION = 'langchain_create_agent';

/** Serialized class names (last element of `serialized.id`) of LangGraph's compiled graphs. */
export const GRAPH_CLASSES: ReadonlySet<string> = new Set([
  'CompiledStateGraph',
  'CompiledGraph',
  'Pregel',
]);
/** LangGraph's default graph name, which says nothing about the agent. */
export const DEFAULT_GRAPH_NAME = 'LangGraph';
/** Classic (pre-v1) agent executors. */
export const AGENT_EXECUTOR_CLASSES: ReadonlySet<string> = new Set(['AgentExecutor']);

/**
 * LangGraph control-flow exceptions: an interrupt (human in the loop) or a
 * command to the parent graph ends the run without it having failed.
 */
export const CONTROL_FLOW_ERRORS: ReadonlySet<string> = new Set([
  'GraphInterrupt',
  'NodeInterrupt',
  'ParentCommand',
  'GraphBubbleUp',
]);

/**
 * `ls_provider` values LangChain integrations report (and a few aliases), as
 * `gen_ai.provider.name` values of semconv v1.41.1 where one exists.
 */
export const PROVIDER_BY_LS: Readonly<Record<string, string>> = {
  openai: 'openai',
  azure: 'azure.ai.openai',
  azure_openai: 'azure.ai.openai',
  azureopenai: 'azure.ai.openai',
  azure_ai: 'azure.ai.inference',
  anthropic: 'anthropic',
  google_genai: 'gcp.gemini',
  googlegenerativeai: 'gcp.gemini',
  google_vertexai: 'gcp.vertex_ai',
  vertexai: 'gcp.vertex_ai',
  mistral: 'mistral_ai',
  mistralai: 'mistral_ai',
  ollama: 'ollama',
  amazon_bedrock: 'aws.bedrock',
  bedrock: 'aws.bedrock',
  groq: 'groq',
  deepseek: 'deepseek',
  xai: 'x_ai',
  cohere: 'cohere',
  perplexity: 'perplexity',
  watsonx: 'ibm.watsonx.ai',
};

/** Chat model and LLM class names, when no `ls_provider` is given. */
export const PROVIDER_BY_CLASS: Readonly<Record<string, string>> = {
  ChatOpenAI: 'openai',
  OpenAI: 'openai',
  ChatOpenAICompletions: 'openai',
  ChatOpenAIResponses: 'openai',
  AzureChatOpenAI: 'azure.ai.openai',
  AzureOpenAI: 'azure.ai.openai',
  ChatAnthropic: 'anthropic',
  ChatAnthropicMessages: 'anthropic',
  ChatGoogleGenerativeAI: 'gcp.gemini',
  ChatVertexAI: 'gcp.vertex_ai',
  VertexAI: 'gcp.vertex_ai',
  ChatMistralAI: 'mistral_ai',
  ChatOllama: 'ollama',
  Ollama: 'ollama',
  ChatBedrockConverse: 'aws.bedrock',
  BedrockChat: 'aws.bedrock',
  ChatGroq: 'groq',
  ChatDeepSeek: 'deepseek',
  ChatXAI: 'x_ai',
  ChatCohere: 'cohere',
};

/**
 * Hosts of OpenAI-compatible endpoints whose provider is known: a ChatOpenAI
 * pointed at one of these is that provider, not OpenAI. An entry starting with
 * `.` or `-` matches as a suffix, any other exactly.
 */
export const PROVIDER_BY_HOST: ReadonlyArray<readonly [string, string]> = [
  ['api.openai.com', 'openai'],
  ['.openai.azure.com', 'azure.ai.openai'],
  ['.services.ai.azure.com', 'azure.ai.inference'],
  ['api.anthropic.com', 'anthropic'],
  ['generativelanguage.googleapis.com', 'gcp.gemini'],
  ['-aiplatform.googleapis.com', 'gcp.vertex_ai'],
  ['api.mistral.ai', 'mistral_ai'],
  ['api.groq.com', 'groq'],
  ['api.deepseek.com', 'deepseek'],
  ['api.x.ai', 'x_ai'],
  ['api.perplexity.ai', 'perplexity'],
  ['api.cohere.com', 'cohere'],
  ['api.cohere.ai', 'cohere'],
];

/** Ollama's default port: an OpenAI-compatible base URL on it is an Ollama server. */
export const OLLAMA_PORT = 11434;

/** Where a provider's SDK sends requests when no base URL is configured. */
export const DEFAULT_SERVER: Readonly<Record<string, readonly [string, number]>> = {
  openai: ['api.openai.com', 443],
  anthropic: ['api.anthropic.com', 443],
  'gcp.gemini': ['generativelanguage.googleapis.com', 443],
  mistral_ai: ['api.mistral.ai', 443],
  groq: ['api.groq.com', 443],
  deepseek: ['api.deepseek.com', 443],
  x_ai: ['api.x.ai', 443],
  ollama: ['127.0.0.1', OLLAMA_PORT],
};

/** Constructor fields (as serialized kwargs) that hold a model server's base URL. */
export const BASE_URL_PATHS: ReadonlyArray<readonly string[]> = [
  ['configuration', 'baseURL'],
  ['configuration', 'basePath'],
  ['client_options', 'baseURL'],
  ['clientOptions', 'baseURL'],
  ['base_url'],
  ['baseUrl'],
  ['baseURL'],
  ['anthropic_api_url'],
  ['anthropicApiUrl'],
  ['azure_openai_endpoint'],
  ['azureOpenAIEndpoint'],
  ['azure_openai_base_path'],
  ['azure_open_ai_base_path'],
  ['azureOpenAIBasePath'],
  ['server_url'],
  ['serverURL'],
  ['endpoint'],
];

/** Constructor fields that name an Azure OpenAI resource (`{name}.openai.azure.com`). */
export const AZURE_INSTANCE_KEYS = [
  'azure_open_ai_api_instance_name',
  'azure_openai_api_instance_name',
  'azureOpenAIApiInstanceName',
] as const;

/** Global keys through which @langchain/core shares its AsyncLocalStorage (stable across 0.3 and 1.x). */
export const LC_ALS_KEY = Symbol.for('ls:tracing_async_local_storage');
export const LC_CHILD_CONFIG_KEY = Symbol.for('lc:child_config');
