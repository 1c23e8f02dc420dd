import type { LLMOperation, LLMOperationResult } from '@llmeter/core';
import { reportInternalError } from '@llmeter/core/internal';
import type { CallRecord } from '../calls';
import { OUTPUT_PART_TYPES } from '../constants';
import { errorTypeOf } from '../parse/errors';
import { StreamedContent } from '../parse/messages';
import { mergeFinish, mergeMetadata } from '../parse/result';
import { type Json, obj } from '../parse/values';

export function isReadableStream(value: unknown): value is ReadableStream<unknown> {
  return (
    typeof ReadableStream === 'function' &&
    value instanceof ReadableStream &&
    !(value as ReadableStream).locked
  );
}

/**
 * Reads one provider stream (LanguageModelV4 parts) for its operation: output
 * parts are chunks (time to first chunk, time per chunk), `response-metadata`
 * and `finish` parts the result, an `error` part the failure. Ends the
 * operation exactly once: at `finish`, on an error, when the stream closes
 * without finishing, or when the AI SDK cancels it (then incomplete).
 */
class ModelStreamObserver {
  private ended = false;
  private readonly result: LLMOperationResult = {};

  /** The reply as it streams, assembled only with content capture on. */
  private readonly content: StreamedContent | undefined;

  constructor(
    private readonly op: LLMOperation,
    private readonly record: CallRecord | undefined,
    capture: boolean,
  ) {
    this.content = capture ? new StreamedContent() : undefined;
  }

  /** Runs per part: a type lookup, and for output parts a timestamp. */
  part(value: unknown): void {
    if (this.ended) return;
    try {
      const part = obj(value);
      const type = part?.type;
      if (typeof type !== 'string') return;
      if (OUTPUT_PART_TYPES.has(type)) {
        if (!isEmptyDelta(part as Json)) this.op.chunk();
        this.content?.add(type, part as Json);
      } else if (type === 'response-metadata') {
        mergeMetadata(this.result, part as Json);
      } else if (type === 'finish') {
        mergeFinish(this.result, part as Json);
        this.end(false);
      } else if (type === 'error') {
        this.fail((part as Json).error);
      }
    } catch (error) {
      reportInternalError('ai-sdk.stream.part', error);
    }
  }

  end(incomplete: boolean): void {
    if (this.ended) return;
    this.ended = true;
    this.record?.inferences.delete(this.op);
    if (incomplete) this.result.incomplete = true;
    if (this.content)
      this.result.outputMessages = [this.content.message(this.result.finishReasons?.[0])];
    this.op.end(this.result);
  }

  fail(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.record?.inferences.delete(this.op);
    this.op.fail(error, { ...this.result, errorType: errorTypeOf(error), incomplete: true });
  }
}

function isEmptyDelta(part: Json): boolean {
  const delta = part.delta;
  return typeof delta === 'string' && delta.length === 0;
}

/**
 * The provider's stream, read through a pass-through stream that pulls one
 * part per pull of the AI SDK (no read-ahead, highWaterMark 0): every part,
 * error and cancellation reaches the AI SDK as the provider produced it.
 *
 * The source is locked only at the first pull: when the AI SDK goes on with
 * the original stream instead (it does when it handed integrations a
 * credential-redacted copy of the result, whose `stream` it then does not
 * read), the original stays readable and `onLanguageModelCallEnd` ends the
 * operation from the AI SDK's own timings.
 */
export function observeModelStream(
  source: ReadableStream<unknown>,
  op: LLMOperation,
  record: CallRecord | undefined,
  capture: boolean,
): ReadableStream<unknown> {
  const observer = new ModelStreamObserver(op, record, capture);
  let reader: ReadableStreamDefaultReader<unknown> | undefined;
  return new ReadableStream<unknown>(
    {
      async pull(controller) {
        reader ??= source.getReader();
        let next: Awaited<ReturnType<ReadableStreamDefaultReader<unknown>['read']>>;
        try {
          next = await reader.read();
        } catch (error) {
          observer.fail(error);
          controller.error(error);
          return;
        }
        if (next.done) {
          observer.end(true);
          controller.close();
          return;
        }
        observer.part(next.value);
        controller.enqueue(next.value);
      },
      cancel(reason) {
        observer.end(true);
        return reader ? reader.cancel(reason) : source.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
