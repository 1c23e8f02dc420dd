import { type LLMOperationStart, OPERATION } from '@llmeter/core';
import { GOOGLE_GENAI_ATTR } from '../constants';
import { embeddingsUsage } from '../parse/usage';
import { modelId, num, obj } from '../parse/values';
import type { StreamAccumulator, Surface } from './surface';

/** Embeddings never stream. */
const NO_STREAM: StreamAccumulator = { add: () => false, finished: true, result: () => ({}) };

/** `models.embedContent()`. Inputs are not recorded as content (the conventions define none). */
export const embedSurface: Surface = {
  streams: false,

  start(params) {
    const start: LLMOperationStart = {
      operation: OPERATION.EMBEDDINGS,
      requestModel: modelId(params.model),
    };
    const dimensions = num(obj(params.config)?.outputDimensionality);
    if (dimensions !== undefined) {
      start.attributes = { [GOOGLE_GENAI_ATTR.EMBEDDINGS_DIMENSION_COUNT]: dimensions };
    }
    return start;
  },

  result(response) {
    const usage = embeddingsUsage(response);
    return usage ? { usage } : {};
  },

  accumulator: () => NO_STREAM,
};
