import { ATTR, getLLMeter } from '@llmeter/core';
import { getRecorder, reportInternalError } from '@llmeter/core/internal';
import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { LC_ATTR, RETRIEVAL_OPERATION } from './constants';
import { type Run, type RunStore, runById } from './run-store';
import { errorTypeOf, readSafely } from './shared';
import { asRecord, asString, lastId } from './util';

export interface RetrieverRunStart {
  serialized: unknown;
  runId: string;
  parentRunId: string | undefined;
  runName: unknown;
}

/**
 * A retriever run: a `retrieval {name}` span with the number of documents
 * returned (`llmeter.retrieval.documents`). Core has no retrieval operation,
 * so the span comes from llmeter's tracer directly; it records no metric.
 */
export function startRetrieverRun(store: RunStore, start: RetrieverRunStart): void {
  const startTime = performance.now();
  if (store.isTracked(start.runId)) return;
  const tracer = getLLMeter()?.tracer;
  if (!tracer || !getRecorder().enabled) return;
  const parentContext = runById(start.parentRunId)?.context ?? context.active();
  const name =
    readSafely('retrieverName', () => {
      const serialized = asRecord(start.serialized);
      return asString(start.runName) ?? asString(serialized.name) ?? lastId(serialized);
    }) ?? 'retriever';
  const span = tracer.startSpan(
    `${RETRIEVAL_OPERATION} ${name}`,
    {
      kind: SpanKind.INTERNAL,
      attributes: { [ATTR.OPERATION_NAME]: RETRIEVAL_OPERATION, [LC_ATTR.RETRIEVER_NAME]: name },
      startTime: performance.timeOrigin + startTime,
    },
    parentContext,
  );
  const run: Run = {
    id: start.runId,
    kind: 'retriever',
    parentId: start.parentRunId,
    context: trace.setSpan(parentContext, span),
    startedAt: startTime,
    end(documents) {
      endSpan(span, () => {
        const n = Array.isArray(documents) ? documents.length : 0;
        span.setAttribute(ATTR.RETRIEVAL_DOCUMENT_COUNT, n);
      });
    },
    fail(error) {
      endSpan(span, () => {
        span.setAttribute(ATTR.ERROR_TYPE, errorTypeOf(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: messageOf(error) });
        if (error instanceof Error) span.recordException(error);
      });
    },
    evict() {
      endSpan(span, () => span.setAttribute(LC_ATTR.RUN_EVICTED, true));
    },
  };
  store.add(run);
}

/** Sets the closing attributes, then ends the span whatever happened. */
function endSpan(span: Span, before: () => void): void {
  try {
    if (span.isRecording()) before();
  } catch (error) {
    reportInternalError('langchain.retriever.end', error);
  }
  span.end();
}

function messageOf(error: unknown): string {
  try {
    return error instanceof Error ? error.message.slice(0, 1024) : String(error).slice(0, 1024);
  } catch {
    return 'unprintable error';
  }
}
