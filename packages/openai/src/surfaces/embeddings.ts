import { type LLMOperationStart, OPERATION } from '@llmeter/core';
import { OPENAI_ATTR } from '../constants';
import { embeddingsUsage } from '../parse/usage';
import { num, obj, str } from '../parse/values';
import type { StreamAccumulator, Surface } from './surface';

/** Embeddings never stream; a stream-shaped reply is read as nothing. */
const NO_STREAM: StreamAccumulator = {
  add: () => false,
  finished: true,
  result: () => ({}),
  failure: () => undefined,
};

/** `client.embeddings.create()`. Inputs are not recorded as content (semconv defines none). */
export const embeddingsSurface: Surface = {
  operation: OPERATION.EMBEDDINGS,
  acceptsStreamOptions: false,

  start(body) {
    const start: LLMOperationStart = {
      operation: OPERATION.EMBEDDINGS,
      requestModel: str(body.model),
    };
    const format = str(body.encoding_format);
    const dimensions = num(body.dimensions);
    if (format || dimensions !== undefined) {
      start.attributes = {};
      if (format) start.attributes[OPENAI_ATTR.REQUEST_ENCODING_FORMATS] = [format];
      if (dimensions !== undefined) {
        start.attributes[OPENAI_ATTR.EMBEDDINGS_DIMENSION_COUNT] = dimensions;
      }
    }
    return start;
  },

  result(response) {
    const r = obj(response);
    if (!r) return {};
    return { responseModel: str(r.model), usage: embeddingsUsage(r.usage) };
  },

  accumulator() {
    return NO_STREAM;
  },
};
