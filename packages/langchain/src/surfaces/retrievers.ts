import { getRecorder } from '@llmeter/core/internal';
import { context } from '@opentelemetry/api';
import { LC_ATTR } from '../constants';
import { type Run, type RunStore, runById } from '../run-store';
import { readSafely } from '../shared';
import { asRecord, asString, lastId } from '../util';

export interface RetrieverRunStart {
  serialized: unknown;
  runId: string;
  parentRunId: string | undefined;
  runName: unknown;
}

/**
 * A retriever run: core's retrieval operation, a `retrieval {name}` span with
 * the number of documents returned (`llmeter.retrieval.documents`) and no
 * metric of its own.
 */
export function startRetrieverRun(store: RunStore, start: RetrieverRunStart): void {
  const startTime = performance.now();
  if (store.isTracked(start.runId)) return;
  const recorder = getRecorder();
  if (!recorder.enabled) return;
  const parentContext = runById(start.parentRunId)?.context ?? context.active();
  const name =
    readSafely('retrieverName', () => {
      const serialized = asRecord(start.serialized);
      return asString(start.runName) ?? asString(serialized.name) ?? lastId(serialized);
    }) ?? 'retriever';
  const retrieval = recorder.startRetrieval({
    name,
    parentContext,
    attributes: { [LC_ATTR.RETRIEVER_NAME]: name },
    startTime,
  });
  const run: Run = {
    id: start.runId,
    kind: 'retriever',
    parentId: start.parentRunId,
    context: retrieval.context,
    startedAt: startTime,
    end(documents) {
      // A hostile payload costs the count, never the span's end.
      retrieval.end(
        readSafely('retrieverDocuments', () => (Array.isArray(documents) ? documents.length : 0)),
      );
    },
    fail(error) {
      retrieval.fail(error);
    },
    evict() {
      retrieval.end(undefined, { [LC_ATTR.RUN_EVICTED]: true });
    },
  };
  store.add(run);
}
