import { errorType, reportInternalError } from '@llmeter/core/internal';
import { META } from './constants';
import { asRecord, asString } from './util';

/** `gen_ai.conversation.id` from the run metadata LangGraph and apps set (thread, conversation, session). */
export function conversationIdOf(metadata: unknown): string | undefined {
  return readSafely('conversationId', () => {
    const meta = asRecord(metadata);
    return (
      asString(meta[META.THREAD_ID]) ??
      asString(meta[META.CONVERSATION_ID]) ??
      asString(meta[META.SESSION_ID])
    );
  });
}

/** error.type for errors this package records itself (retrievers): core's rule, so both agree. */
export const errorTypeOf = errorType;

/** The error's name, for telling LangGraph control flow from failures. */
export function errorName(error: unknown): string | undefined {
  try {
    const name = asRecord(error).name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a LangChain payload, which may be anything user code produced: on a
 * failure (a throwing getter, a revoked proxy) the run is still recorded with
 * what could be read, and the problem is logged once.
 */
export function readSafely<T>(site: string, read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    reportInternalError(`langchain.${site}`, error);
    return undefined;
  }
}
