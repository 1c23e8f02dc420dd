/**
 * Every attribute, metric and environment variable name llmeter emits or reads.
 * Names follow OpenTelemetry semantic conventions v1.41.1 (the last release that
 * holds the GenAI conventions); `LATEST_*` holds the renamed ones used when
 * `OTEL_SEMCONV_STABILITY_OPT_IN` contains `gen_ai_latest_experimental`.
 * docs/reference/telemetry.md is checked against this file by a test.
 */

export const INSTRUMENTATION_SCOPE = '@llmeter/core';

/** Span and metric attribute keys. */
export const ATTR = {
  OPERATION_NAME: 'gen_ai.operation.name',
  PROVIDER_NAME: 'gen_ai.provider.name',
  REQUEST_MODEL: 'gen_ai.request.model',
  RESPONSE_MODEL: 'gen_ai.response.model',
  SERVER_ADDRESS: 'server.address',
  SERVER_PORT: 'server.port',
  ERROR_TYPE: 'error.type',
  TOKEN_TYPE: 'gen_ai.token.type',
  TOKEN_MODALITY: 'gen_ai.token.modality',
  CONVERSATION_ID: 'gen_ai.conversation.id',

  REQUEST_MAX_TOKENS: 'gen_ai.request.max_tokens',
  REQUEST_TEMPERATURE: 'gen_ai.request.temperature',
  REQUEST_TOP_P: 'gen_ai.request.top_p',
  REQUEST_FREQUENCY_PENALTY: 'gen_ai.request.frequency_penalty',
  REQUEST_PRESENCE_PENALTY: 'gen_ai.request.presence_penalty',
  REQUEST_STOP_SEQUENCES: 'gen_ai.request.stop_sequences',
  REQUEST_SEED: 'gen_ai.request.seed',
  REQUEST_CHOICE_COUNT: 'gen_ai.request.choice.count',
  REQUEST_STREAM: 'gen_ai.request.stream',

  RESPONSE_ID: 'gen_ai.response.id',
  RESPONSE_FINISH_REASONS: 'gen_ai.response.finish_reasons',
  RESPONSE_TIME_TO_FIRST_CHUNK: 'gen_ai.response.time_to_first_chunk',

  USAGE_INPUT_TOKENS: 'gen_ai.usage.input_tokens',
  USAGE_OUTPUT_TOKENS: 'gen_ai.usage.output_tokens',
  USAGE_CACHE_READ_INPUT_TOKENS: 'gen_ai.usage.cache_read.input_tokens',
  USAGE_CACHE_CREATION_INPUT_TOKENS: 'gen_ai.usage.cache_creation.input_tokens',
  USAGE_REASONING_OUTPUT_TOKENS: 'gen_ai.usage.reasoning.output_tokens',

  TOOL_NAME: 'gen_ai.tool.name',
  TOOL_CALL_ID: 'gen_ai.tool.call.id',
  TOOL_TYPE: 'gen_ai.tool.type',
  TOOL_DESCRIPTION: 'gen_ai.tool.description',
  TOOL_CALL_ARGUMENTS: 'gen_ai.tool.call.arguments',
  TOOL_CALL_RESULT: 'gen_ai.tool.call.result',
  RETRIEVAL_DOCUMENT_COUNT: 'llmeter.retrieval.documents',
  AGENT_NAME: 'gen_ai.agent.name',
  AGENT_ID: 'gen_ai.agent.id',
  AGENT_DESCRIPTION: 'gen_ai.agent.description',

  EVALUATION_NAME: 'gen_ai.evaluation.name',
  EVALUATION_SCORE_LABEL: 'gen_ai.evaluation.score.label',
  EVALUATION_SCORE_VALUE: 'gen_ai.evaluation.score.value',

  INPUT_MESSAGES: 'gen_ai.input.messages',
  OUTPUT_MESSAGES: 'gen_ai.output.messages',
  SYSTEM_INSTRUCTIONS: 'gen_ai.system_instructions',
  TOOL_DEFINITIONS: 'gen_ai.tool.definitions',

  LLMETER_COST_USD: 'llmeter.cost.usd',
  LLMETER_USAGE_ESTIMATED: 'llmeter.usage.estimated',
  LLMETER_STREAM_INCOMPLETE: 'llmeter.stream.incomplete',
  LLMETER_STREAM_CHUNKS: 'llmeter.stream.chunks',
  LLMETER_GUARDRAIL_NAME: 'llmeter.guardrail.name',
  LLMETER_GUARDRAIL_ACTION: 'llmeter.guardrail.action',
  LLMETER_AGENT_OUTCOME: 'llmeter.agent.outcome',
  LLMETER_WORKFLOW_NAME: 'llmeter.workflow.name',
  LLMETER_AGENT_INFERENCE_CALLS: 'llmeter.agent.inference_calls',
  LLMETER_AGENT_TOOL_CALLS: 'llmeter.agent.tool_calls',
  /** Set (alone) on the one series that takes every measurement beyond a metric's series cap. */
  METRIC_OVERFLOW: 'otel.metric.overflow',
  /** llmeter's self-metrics: which export (`traces` | `metrics`) and which metric overflowed. */
  LLMETER_SIGNAL: 'llmeter.signal',
  LLMETER_METRIC_NAME: 'llmeter.metric.name',
} as const;

/** Attribute keys renamed under `gen_ai_latest_experimental`. */
export const LATEST_ATTR = {
  USAGE_CACHE_CREATION_INPUT_TOKENS: 'gen_ai.usage.cache_write.input_tokens',
} as const;

/** Well-known attribute values. */
export const OPERATION = {
  CHAT: 'chat',
  TEXT_COMPLETION: 'text_completion',
  EMBEDDINGS: 'embeddings',
  EXECUTE_TOOL: 'execute_tool',
  INVOKE_AGENT: 'invoke_agent',
  INVOKE_WORKFLOW: 'invoke_workflow',
} as const;

export const TOKEN_TYPE = { INPUT: 'input', OUTPUT: 'output' } as const;
export const DEFAULT_PROVIDER = 'openai';
/** `error.type` when nothing better describes the failure (semconv's fallback value). */
export const ERROR_TYPE_OTHER = '_OTHER';
/** `error.type` of an operation whose request the caller dropped unconsumed (recorder/abandoned.ts). */
export const ERROR_TYPE_ABANDONED = 'abandoned';

/** OTel instrument names, semconv v1.41.1 (the default). */
export const METRIC = {
  CLIENT_TOKEN_USAGE: 'gen_ai.client.token.usage',
  CLIENT_OPERATION_DURATION: 'gen_ai.client.operation.duration',
  CLIENT_TIME_TO_FIRST_CHUNK: 'gen_ai.client.operation.time_to_first_chunk',
  CLIENT_TIME_PER_OUTPUT_CHUNK: 'gen_ai.client.operation.time_per_output_chunk',
  SERVER_REQUEST_DURATION: 'gen_ai.server.request.duration',
  SERVER_TIME_TO_FIRST_TOKEN: 'gen_ai.server.time_to_first_token',
  SERVER_TIME_PER_OUTPUT_TOKEN: 'gen_ai.server.time_per_output_token',
  EXECUTE_TOOL_DURATION: 'gen_ai.execute_tool.duration',
  INVOKE_AGENT_DURATION: 'gen_ai.invoke_agent.duration',
  INVOKE_AGENT_TOOL_CALLS: 'gen_ai.invoke_agent.tool_calls',
  INVOKE_AGENT_INFERENCE_CALLS: 'gen_ai.invoke_agent.inference_calls',
  CLIENT_COST: 'llmeter.client.cost',
  CLIENT_ACTIVE_REQUESTS: 'llmeter.client.active_requests',
  GUARDRAIL_ACTIVATIONS: 'llmeter.guardrail.activations',
  EVALUATION_RESULTS: 'llmeter.evaluation.results',
  AGENT_OUTCOMES: 'llmeter.agent.outcomes',
  GPU_INFO: 'llmeter.gpu.info',
  SDK_SPANS_DROPPED: 'llmeter.sdk.spans.dropped',
  SDK_EXPORTS_FAILED: 'llmeter.sdk.exports.failed',
  SDK_METRIC_OVERFLOWS: 'llmeter.sdk.metric.overflows',
  SDK_LOG_LINES_DROPPED: 'llmeter.sdk.log_lines.dropped',
} as const;

/** Instrument names used instead under `gen_ai_latest_experimental`. */
export const LATEST_METRIC = {
  INFERENCE_DURATION: 'gen_ai.client.inference.duration',
  INFERENCE_TIME_TO_FIRST_CHUNK: 'gen_ai.client.inference.time_to_first_chunk',
  INFERENCE_TIME_PER_OUTPUT_CHUNK: 'gen_ai.client.inference.time_per_output_chunk',
  USAGE_INPUT_TOKENS: 'gen_ai.client.inference.usage.input_tokens',
  USAGE_OUTPUT_TOKENS: 'gen_ai.client.inference.usage.output_tokens',
  USAGE_CACHE_READ_INPUT_TOKENS: 'gen_ai.client.inference.usage.cache_read.input_tokens',
  USAGE_CACHE_WRITE_INPUT_TOKENS: 'gen_ai.client.inference.usage.cache_write.input_tokens',
  USAGE_REASONING_OUTPUT_TOKENS: 'gen_ai.client.inference.usage.reasoning.output_tokens',
  OPERATION_INPUT_TOKENS: 'gen_ai.client.inference.operation.input_tokens',
  OPERATION_OUTPUT_TOKENS: 'gen_ai.client.inference.operation.output_tokens',
  EMBEDDINGS_DURATION: 'gen_ai.client.embeddings.duration',
  EMBEDDINGS_INPUT_TOKENS: 'gen_ai.client.embeddings.operation.input_tokens',
} as const;

export const UNIT = {
  SECONDS: 's',
  TOKEN: '{token}',
  USD: '{USD}',
  REQUEST: '{request}',
  TOOL_CALL: '{tool_call}',
  INFERENCE_CALL: '{inference_call}',
  ACTIVATION: '{activation}',
  RESULT: '{result}',
  OUTCOME: '{outcome}',
  SPAN: '{span}',
  EXPORT: '{export}',
  MEASUREMENT: '{measurement}',
  LINE: '{line}',
} as const;

export const BUCKETS = {
  TOKENS: [
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
  ],
  DURATION: [
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
  ],
  SERVER_TIME_TO_FIRST_TOKEN: [
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
  ],
  SERVER_TIME_PER_OUTPUT_TOKEN: [
    0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5,
  ],
  CALL_COUNT: [0, 1, 2, 3, 5, 8, 13, 21, 34],
} as const;

/** Resource attribute keys. */
export const RESOURCE_ATTR = {
  SERVICE_NAME: 'service.name',
  SERVICE_VERSION: 'service.version',
  SERVICE_INSTANCE_ID: 'service.instance.id',
  DEPLOYMENT_ENVIRONMENT_NAME: 'deployment.environment.name',
  K8S_POD_NAME: 'k8s.pod.name',
  K8S_NAMESPACE_NAME: 'k8s.namespace.name',
  K8S_NODE_NAME: 'k8s.node.name',
  K8S_POD_UID: 'k8s.pod.uid',
  K8S_CONTAINER_NAME: 'k8s.container.name',
} as const;

/** Downward API variables → resource attributes. */
export const K8S_ENV_TO_RESOURCE = {
  K8S_POD_NAME: RESOURCE_ATTR.K8S_POD_NAME,
  K8S_NAMESPACE_NAME: RESOURCE_ATTR.K8S_NAMESPACE_NAME,
  K8S_NODE_NAME: RESOURCE_ATTR.K8S_NODE_NAME,
  K8S_POD_UID: RESOURCE_ATTR.K8S_POD_UID,
  K8S_CONTAINER_NAME: RESOURCE_ATTR.K8S_CONTAINER_NAME,
} as const;

/** Environment variables llmeter reads (standard OTel ones and its own). */
export const ENV = {
  OTEL_SDK_DISABLED: 'OTEL_SDK_DISABLED',
  OTEL_LOG_LEVEL: 'OTEL_LOG_LEVEL',
  OTEL_SERVICE_NAME: 'OTEL_SERVICE_NAME',
  OTEL_RESOURCE_ATTRIBUTES: 'OTEL_RESOURCE_ATTRIBUTES',
  OTEL_TRACES_EXPORTER: 'OTEL_TRACES_EXPORTER',
  OTEL_METRICS_EXPORTER: 'OTEL_METRICS_EXPORTER',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'OTEL_EXPORTER_OTLP_ENDPOINT',
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  OTEL_EXPORTER_OTLP_HEADERS: 'OTEL_EXPORTER_OTLP_HEADERS',
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'OTEL_EXPORTER_OTLP_METRICS_HEADERS',
  OTEL_EXPORTER_OTLP_TIMEOUT: 'OTEL_EXPORTER_OTLP_TIMEOUT',
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
  OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: 'OTEL_EXPORTER_OTLP_METRICS_TIMEOUT',
  OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE:
    'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE',
  OTEL_METRIC_EXPORT_INTERVAL: 'OTEL_METRIC_EXPORT_INTERVAL',
  OTEL_BSP_SCHEDULE_DELAY: 'OTEL_BSP_SCHEDULE_DELAY',
  OTEL_BSP_EXPORT_TIMEOUT: 'OTEL_BSP_EXPORT_TIMEOUT',
  OTEL_BSP_MAX_QUEUE_SIZE: 'OTEL_BSP_MAX_QUEUE_SIZE',
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
  OTEL_TRACES_SAMPLER: 'OTEL_TRACES_SAMPLER',
  OTEL_TRACES_SAMPLER_ARG: 'OTEL_TRACES_SAMPLER_ARG',
  OTEL_SEMCONV_STABILITY_OPT_IN: 'OTEL_SEMCONV_STABILITY_OPT_IN',
  OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT:
    'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT',
  LLMETER_METRICS_PORT: 'LLMETER_METRICS_PORT',
  LLMETER_METRICS_HOST: 'LLMETER_METRICS_HOST',
  LLMETER_METRICS_TOKEN: 'LLMETER_METRICS_TOKEN',
  LLMETER_PRICES_FILE: 'LLMETER_PRICES_FILE',
  LLMETER_STREAM_INCLUDE_USAGE: 'LLMETER_STREAM_INCLUDE_USAGE',
  LLMETER_LOG_LEVEL: 'LLMETER_LOG_LEVEL',
  LLMETER_PUSHGATEWAY_URL: 'LLMETER_PUSHGATEWAY_URL',
  LLMETER_CARDINALITY_LIMIT: 'LLMETER_CARDINALITY_LIMIT',
  LLMETER_LOG_BUFFER_BYTES: 'LLMETER_LOG_BUFFER_BYTES',
  NVIDIA_VISIBLE_DEVICES: 'NVIDIA_VISIBLE_DEVICES',
} as const;

/** Value of OTEL_SEMCONV_STABILITY_OPT_IN that selects the newer GenAI names. */
export const SEMCONV_LATEST_OPT_IN = 'gen_ai_latest_experimental';

/** The `llm_call_completed` log line's message. */
export const LOG_EVENT_LLM_CALL_COMPLETED = 'llm_call_completed';
