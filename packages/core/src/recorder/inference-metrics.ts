import { OPERATION } from '../constants';
import type { Cost } from '../cost/price-book';
import type { InstrumentKey } from '../metrics/definitions';
import type { Exemplar } from '../metrics/prom-sink';
import type { InferenceOperation } from './inference';
import type { EndSeries } from './series-attributes';
import type { RecorderDeps } from './shared';

export interface InferenceOutcome {
  durationS: number;
  errorType: string | undefined;
  cost: Cost | undefined;
  exemplar: Exemplar | undefined;
}

/** Records one finished inference on every metric it feeds, in the configured semconv mode. */
export function recordInferenceMetrics(
  deps: RecorderDeps,
  op: InferenceOperation,
  outcome: InferenceOutcome,
): void {
  const metrics = deps.metrics;
  if (!metrics) return;
  // Shared frozen sets, built once per label tuple rather than per record (series-attributes.ts).
  const series = op.endSeries();
  const common = series.common;
  const withError = series.withError(outcome.errorType);
  const latest = deps.semconv === 'latest_experimental';
  const embeddings = op.operation === OPERATION.EMBEDDINGS;

  const durationKey = !latest
    ? 'operationDuration'
    : embeddings
      ? 'embeddingsDuration'
      : 'inferenceDuration';
  metrics.record(durationKey, outcome.durationS, withError, outcome.exemplar);

  const ttft = op.timeToFirstChunkS;
  if (ttft !== undefined) {
    metrics.record('timeToFirstChunk', ttft, common, outcome.exemplar);
    metrics.recordMany('timePerOutputChunk', op.chunkGapsS, common);
  }

  if (latest) recordLatestTokens(deps, op, series, outcome.errorType !== undefined);
  else recordTokenUsage(deps, op, series);

  if (outcome.cost) {
    metrics.record('cost', outcome.cost.input, series.costIn());
    metrics.record('cost', outcome.cost.output, series.costOut());
  }
}

/** semconv v1.41.1: one histogram, input and output as `gen_ai.token.type`. */
function recordTokenUsage(deps: RecorderDeps, op: InferenceOperation, series: EndSeries): void {
  const usage = op.usage;
  if (!usage) return; // never invent usage the provider did not report
  const estimated = usage.estimated === true;
  if (usage.inputTokens !== undefined) {
    deps.metrics?.record('tokenUsage', usage.inputTokens, series.tokensIn(estimated));
  }
  if (usage.outputTokens !== undefined) {
    deps.metrics?.record('tokenUsage', usage.outputTokens, series.tokensOut(estimated));
  }
}

/**
 * gen_ai_latest_experimental: a counter per token kind with the required
 * `gen_ai.token.modality`, plus per-operation histograms. A failed call that
 * reported nothing records 0 with modality `unknown`, as the convention asks.
 */
function recordLatestTokens(
  deps: RecorderDeps,
  op: InferenceOperation,
  series: EndSeries,
  failed: boolean,
): void {
  const metrics = deps.metrics;
  if (!metrics) return;
  const usage = op.usage;
  if (!usage) {
    if (failed) {
      const unknown = series.modality('unknown', false);
      metrics.record('usageInputTokens', 0, unknown);
      metrics.record('usageOutputTokens', 0, unknown);
    }
    return;
  }
  const attrs = series.modality('text', usage.estimated === true);
  const counters: Array<[InstrumentKey, number | undefined]> = [
    ['usageInputTokens', usage.inputTokens],
    ['usageOutputTokens', usage.outputTokens],
    ['usageCacheReadInputTokens', usage.cacheReadInputTokens],
    ['usageCacheWriteInputTokens', usage.cacheCreationInputTokens],
    ['usageReasoningOutputTokens', usage.reasoningOutputTokens],
  ];
  for (const [key, value] of counters) if (value !== undefined) metrics.record(key, value, attrs);
  if (op.operation === OPERATION.EMBEDDINGS) {
    if (usage.inputTokens !== undefined)
      metrics.record('embeddingsInputTokens', usage.inputTokens, attrs);
    return;
  }
  if (usage.inputTokens !== undefined)
    metrics.record('operationInputTokens', usage.inputTokens, attrs);
  if (usage.outputTokens !== undefined)
    metrics.record('operationOutputTokens', usage.outputTokens, attrs);
}
