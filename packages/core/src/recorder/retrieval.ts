import type { Attributes, Context, Span } from '@opentelemetry/api';
import { ATTR, OPERATION } from '../constants';
import { failSpan, errorType as resolveErrorType } from '../failure';
import { reportInternalError } from '../internal-log';
import * as clean from '../sanitize';
import { epochMs, type RecorderDeps, setDefined, startInternalSpan } from './shared';

export interface RetrievalStart {
  /** The retriever's name: the span is `retrieval {name}`. */
  name: string;
  parentContext?: Context;
  /** Extra span attributes (bounded values only), e.g. the adapter's retriever name. */
  attributes?: Attributes;
  /** performance.now() at which the retrieval started. Default: now. */
  startTime?: number;
}

export interface RetrievalOperation {
  readonly span: Span;
  readonly context: Context;
  /** `documents`: how many came back (`llmeter.retrieval.documents`). */
  end(documents?: number, attributes?: Attributes): void;
  fail(error: unknown, errorType?: string): void;
}

/** A retrieval (a LangChain retriever run): a `retrieval {name}` span, no metric of its own. */
export class Retrieval implements RetrievalOperation {
  readonly span: Span;
  readonly context: Context;
  private ended = false;

  constructor(deps: RecorderDeps, start: RetrievalStart) {
    const name = clean.name(start.name) ?? 'retriever';
    const started = startInternalSpan(deps, OPERATION.RETRIEVAL, name, {}, start);
    this.span = started.span;
    this.context = started.context;
  }

  end(documents?: number, attributes?: Attributes): void {
    this.finish(undefined, undefined, documents, attributes);
  }

  fail(error: unknown, errorType?: string): void {
    this.finish(error, resolveErrorType(error, errorType), undefined, undefined);
  }

  private finish(
    error: unknown,
    errorType: string | undefined,
    documents: number | undefined,
    attributes: Attributes | undefined,
  ): void {
    if (this.ended) return;
    this.ended = true;
    const endTime = performance.now();
    try {
      if (this.span.isRecording()) {
        const attrs: Attributes = {};
        setDefined(attrs, ATTR.RETRIEVAL_DOCUMENT_COUNT, clean.finiteNumber(documents));
        if (attributes) {
          for (const key of Object.keys(attributes)) setDefined(attrs, key, attributes[key]);
        }
        this.span.setAttributes(attrs);
        if (errorType !== undefined) failSpan(this.span, error, errorType);
      }
    } catch (e) {
      reportInternalError('retrieval.end', e);
    } finally {
      this.span.end(epochMs(endTime));
    }
  }
}
