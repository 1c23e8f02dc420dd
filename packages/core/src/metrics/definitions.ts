import { ATTR, BUCKETS, LATEST_METRIC, METRIC, UNIT } from '../constants';
import { mcpInstruments } from '../mcp/instruments';
import type { SemconvMode } from '../types';

export type InstrumentKind = 'histogram' | 'counter' | 'updowncounter' | 'gauge';

/** One instrument, described once and built by both the OTel and the prom-client sink. */
export interface InstrumentDefinition {
  /** OTLP instrument name. */
  name: string;
  kind: InstrumentKind;
  unit: string;
  description: string;
  /** Histogram bucket boundaries. */
  buckets?: readonly number[];
  /** Attribute keys that may appear (become the prom-client label names). */
  attributes: readonly string[];
  /** Carry `{trace_id, span_id}` exemplars on OpenMetrics. */
  exemplars?: boolean;
  /** Integer histogram (OTel valueType INT). */
  integer?: boolean;
  /** Recorded in bulk (one call per operation with many values): observeMany in prom-series.ts. */
  bulk?: boolean;
  /** llmeter's own counter (bounded label sets): never capped, so an overflow is always counted. */
  selfTelemetry?: boolean;
}

const COMMON = [
  ATTR.OPERATION_NAME,
  ATTR.PROVIDER_NAME,
  ATTR.REQUEST_MODEL,
  ATTR.RESPONSE_MODEL,
  ATTR.SERVER_ADDRESS,
  ATTR.SERVER_PORT,
] as const;
const WITH_ERROR = [...COMMON, ATTR.ERROR_TYPE] as const;
const TOKENS = [...COMMON, ATTR.TOKEN_TYPE, ATTR.LLMETER_USAGE_ESTIMATED] as const;
const LATEST_TOKENS = [...COMMON, ATTR.TOKEN_MODALITY, ATTR.LLMETER_USAGE_ESTIMATED] as const;

function duration(name: string, description: string, attributes: readonly string[] = WITH_ERROR) {
  return {
    name,
    kind: 'histogram',
    unit: UNIT.SECONDS,
    description,
    buckets: BUCKETS.DURATION,
    attributes,
    exemplars: true,
  } as const satisfies InstrumentDefinition;
}

function tokenHistogram(name: string, attributes: readonly string[]): InstrumentDefinition {
  return {
    name,
    kind: 'histogram',
    unit: UNIT.TOKEN,
    description: 'Number of input and output tokens used per operation.',
    buckets: BUCKETS.TOKENS,
    attributes,
    integer: true,
  };
}

function tokenCounter(name: string, description: string): InstrumentDefinition {
  return { name, kind: 'counter', unit: UNIT.TOKEN, description, attributes: LATEST_TOKENS };
}

/** Instruments whose names do not depend on the semconv mode. */
function sharedInstruments() {
  return {
    ...mcpInstruments(),
    timePerOutputChunk: {
      ...duration(
        METRIC.CLIENT_TIME_PER_OUTPUT_CHUNK,
        'Time between consecutive streamed chunks.',
        COMMON,
      ),
      exemplars: false,
      bulk: true,
    },
    serverRequestDuration: duration(
      METRIC.SERVER_REQUEST_DURATION,
      'Duration of GenAI requests served by this application.',
    ),
    serverTimeToFirstToken: {
      name: METRIC.SERVER_TIME_TO_FIRST_TOKEN,
      kind: 'histogram',
      unit: UNIT.SECONDS,
      description: 'Time to the first token of successful served requests.',
      buckets: BUCKETS.SERVER_TIME_TO_FIRST_TOKEN,
      attributes: COMMON,
    },
    serverTimePerOutputToken: {
      name: METRIC.SERVER_TIME_PER_OUTPUT_TOKEN,
      kind: 'histogram',
      unit: UNIT.SECONDS,
      description: 'Time per output token after the first, of successful served requests.',
      buckets: BUCKETS.SERVER_TIME_PER_OUTPUT_TOKEN,
      attributes: COMMON,
    },
    executeToolDuration: duration(METRIC.EXECUTE_TOOL_DURATION, 'Duration of tool executions.', [
      ATTR.TOOL_NAME,
      ATTR.ERROR_TYPE,
    ]),
    invokeAgentDuration: duration(METRIC.INVOKE_AGENT_DURATION, 'Duration of agent invocations.', [
      ATTR.AGENT_NAME,
      ATTR.ERROR_TYPE,
    ]),
    invokeAgentToolCalls: {
      name: METRIC.INVOKE_AGENT_TOOL_CALLS,
      kind: 'histogram',
      unit: UNIT.TOOL_CALL,
      description: 'Tool calls made per agent invocation.',
      buckets: BUCKETS.CALL_COUNT,
      attributes: [ATTR.AGENT_NAME],
      integer: true,
    },
    invokeAgentInferenceCalls: {
      name: METRIC.INVOKE_AGENT_INFERENCE_CALLS,
      kind: 'histogram',
      unit: UNIT.INFERENCE_CALL,
      description: 'Inference calls made per agent invocation.',
      buckets: BUCKETS.CALL_COUNT,
      attributes: [ATTR.AGENT_NAME],
      integer: true,
    },
    cost: {
      name: METRIC.CLIENT_COST,
      kind: 'counter',
      unit: UNIT.USD,
      description: 'Cost of GenAI operations in US dollars, from the price table.',
      attributes: [...COMMON, ATTR.TOKEN_TYPE],
    },
    activeRequests: {
      name: METRIC.CLIENT_ACTIVE_REQUESTS,
      kind: 'updowncounter',
      unit: UNIT.REQUEST,
      description: 'GenAI client operations in flight.',
      attributes: [ATTR.OPERATION_NAME, ATTR.PROVIDER_NAME, ATTR.REQUEST_MODEL],
    },
    guardrailActivations: {
      name: METRIC.GUARDRAIL_ACTIVATIONS,
      kind: 'counter',
      unit: UNIT.ACTIVATION,
      description: 'Guardrail activations.',
      attributes: [ATTR.LLMETER_GUARDRAIL_NAME, ATTR.LLMETER_GUARDRAIL_ACTION],
    },
    evaluationResults: {
      name: METRIC.EVALUATION_RESULTS,
      kind: 'counter',
      unit: UNIT.RESULT,
      description: 'Evaluation results by evaluation and score label.',
      attributes: [ATTR.EVALUATION_NAME, ATTR.EVALUATION_SCORE_LABEL],
    },
    spansDropped: {
      name: METRIC.SDK_SPANS_DROPPED,
      kind: 'counter',
      selfTelemetry: true,
      unit: UNIT.SPAN,
      description:
        'Spans llmeter dropped: queue_full (the export queue was full) or export_failed.',
      attributes: [ATTR.ERROR_TYPE],
    },
    exportsFailed: {
      name: METRIC.SDK_EXPORTS_FAILED,
      kind: 'counter',
      selfTelemetry: true,
      unit: UNIT.EXPORT,
      description: 'OTLP exports that failed, by signal (traces, metrics).',
      attributes: [ATTR.LLMETER_SIGNAL],
    },
    metricOverflows: {
      name: METRIC.SDK_METRIC_OVERFLOWS,
      kind: 'counter',
      selfTelemetry: true,
      unit: UNIT.MEASUREMENT,
      description:
        'Measurements recorded on the overflow series because a metric hit its series cap.',
      attributes: [ATTR.LLMETER_METRIC_NAME],
    },
    logLinesDropped: {
      name: METRIC.SDK_LOG_LINES_DROPPED,
      kind: 'counter',
      selfTelemetry: true,
      unit: UNIT.LINE,
      description:
        "Log lines (llm_call_completed and the application's own, on llmeter's logger) dropped because stdout fell behind by more than the log buffer.",
      attributes: [],
    },
    agentOutcomes: {
      name: METRIC.AGENT_OUTCOMES,
      kind: 'counter',
      unit: UNIT.OUTCOME,
      description: 'Agent goal outcomes.',
      attributes: [ATTR.AGENT_NAME, ATTR.LLMETER_AGENT_OUTCOME],
    },
  } satisfies Record<string, InstrumentDefinition>;
}

/** The instrument set of semconv v1.41.1 (default). */
export function defaultInstruments() {
  return {
    ...sharedInstruments(),
    tokenUsage: tokenHistogram(METRIC.CLIENT_TOKEN_USAGE, TOKENS),
    operationDuration: duration(METRIC.CLIENT_OPERATION_DURATION, 'GenAI operation duration.'),
    timeToFirstChunk: {
      ...duration(
        METRIC.CLIENT_TIME_TO_FIRST_CHUNK,
        'Time from issuing a streamed request to its first chunk.',
        COMMON,
      ),
    },
  } satisfies Record<string, InstrumentDefinition>;
}

/** The instrument set under `gen_ai_latest_experimental`. */
export function latestInstruments() {
  return {
    ...sharedInstruments(),
    timePerOutputChunk: {
      ...sharedInstruments().timePerOutputChunk,
      name: LATEST_METRIC.INFERENCE_TIME_PER_OUTPUT_CHUNK,
    },
    inferenceDuration: duration(LATEST_METRIC.INFERENCE_DURATION, 'GenAI inference duration.'),
    embeddingsDuration: duration(LATEST_METRIC.EMBEDDINGS_DURATION, 'GenAI embeddings duration.'),
    timeToFirstChunk: duration(
      LATEST_METRIC.INFERENCE_TIME_TO_FIRST_CHUNK,
      'Time from issuing a streamed request to its first chunk.',
      COMMON,
    ),
    usageInputTokens: tokenCounter(LATEST_METRIC.USAGE_INPUT_TOKENS, 'Input tokens used.'),
    usageOutputTokens: tokenCounter(LATEST_METRIC.USAGE_OUTPUT_TOKENS, 'Output tokens used.'),
    usageCacheReadInputTokens: tokenCounter(
      LATEST_METRIC.USAGE_CACHE_READ_INPUT_TOKENS,
      'Input tokens read from the provider cache.',
    ),
    usageCacheWriteInputTokens: tokenCounter(
      LATEST_METRIC.USAGE_CACHE_WRITE_INPUT_TOKENS,
      'Input tokens written to the provider cache.',
    ),
    usageReasoningOutputTokens: tokenCounter(
      LATEST_METRIC.USAGE_REASONING_OUTPUT_TOKENS,
      'Output tokens spent on reasoning.',
    ),
    operationInputTokens: tokenHistogram(LATEST_METRIC.OPERATION_INPUT_TOKENS, LATEST_TOKENS),
    operationOutputTokens: tokenHistogram(LATEST_METRIC.OPERATION_OUTPUT_TOKENS, LATEST_TOKENS),
    embeddingsInputTokens: tokenHistogram(LATEST_METRIC.EMBEDDINGS_INPUT_TOKENS, LATEST_TOKENS),
  } satisfies Record<string, InstrumentDefinition>;
}

export type DefaultInstrumentKey = keyof ReturnType<typeof defaultInstruments>;
export type LatestInstrumentKey = keyof ReturnType<typeof latestInstruments>;
export type InstrumentKey = DefaultInstrumentKey | LatestInstrumentKey;

export function instrumentsFor(
  mode: SemconvMode,
): Partial<Record<InstrumentKey, InstrumentDefinition>> {
  return mode === 'latest_experimental' ? latestInstruments() : defaultInstruments();
}

/** A GPU info series, joinable with DCGM's `UUID` label. Prometheus-only (see gpu-info.ts). */
export const GPU_INFO_PROM_NAME = 'llmeter_gpu_info';

const UNIT_WORDS: Record<string, string> = { s: 'seconds', ms: 'milliseconds', By: 'bytes' };

/**
 * The OpenTelemetry Collector's default translation of an OTLP name to a
 * Prometheus one: dots to `_`, a unit word for known units, braced units
 * dropped, `_total` on monotonic counters.
 */
export function prometheusName(def: Pick<InstrumentDefinition, 'name' | 'unit' | 'kind'>): string {
  let name = def.name.replace(/[^a-zA-Z0-9_:]/g, '_');
  const unitWord = UNIT_WORDS[def.unit];
  if (unitWord && !name.endsWith(`_${unitWord}`)) name += `_${unitWord}`;
  if (def.kind === 'counter' && !name.endsWith('_total')) name += '_total';
  return name;
}

const labelNames = new Map<string, string>();

/** Attribute key to Prometheus label name (memoised: it runs for every label of every record). */
export function prometheusLabel(attributeKey: string): string {
  let label = labelNames.get(attributeKey);
  if (label === undefined) {
    label = attributeKey.replace(/[^a-zA-Z0-9_]/g, '_');
    // Keys are ours (a few dozen), but extra span attributes could bring others: stay bounded.
    if (labelNames.size < 1000) labelNames.set(attributeKey, label);
  }
  return label;
}
