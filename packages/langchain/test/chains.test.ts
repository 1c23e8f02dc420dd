import { Document } from '@langchain/core/documents';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { BaseRetriever } from '@langchain/core/retrievers';
import { RunnableLambda, RunnablePassthrough, RunnableSequence } from '@langchain/core/runnables';
import { FakeListChatModel, FakeRetriever } from '@langchain/core/utils/testing';
import { ATTR, METRIC } from '@llmeter/core';
import { LLMeterCallbackHandler } from '@llmeter/langchain';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import { context, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LC_ATTR } from '../src/constants';
import { count, isChildOf, parentOf, spanNamed, tree } from './helpers';

let t: InMemoryLLMeter;
beforeAll(() => {
  t = setupInMemory();
});
afterAll(() => t.shutdown());
afterEach(async () => {
  t.reset();
  await t.collectMetrics();
});

class BrokenRetriever extends BaseRetriever {
  lc_namespace = ['test'];
  override async _getRelevantDocuments(): Promise<Document[]> {
    throw new TypeError('index offline');
  }
}

const ragChain = (retriever: BaseRetriever) =>
  RunnableSequence.from([
    {
      context: retriever.pipe((docs: Document[]) => docs.map((d) => d.pageContent).join('\n')),
      question: new RunnablePassthrough(),
    },
    ChatPromptTemplate.fromMessages([
      ['system', 'Answer from: {context}'],
      ['human', '{question}'],
    ]),
    new FakeListChatModel({ responses: ['Paris'] }),
    new StringOutputParser(),
  ]).withConfig({ runName: 'rag' });

describe('chains and retrievers', () => {
  it('an LCEL chain with a retriever: workflow spans, a retrieval span with the document count, the model under the chain', async () => {
    const handler = new LLMeterCallbackHandler();
    const retriever = new FakeRetriever({
      output: [
        new Document({ pageContent: 'a' }),
        new Document({ pageContent: 'b' }),
        new Document({ pageContent: 'c' }),
      ],
    });
    const tracer = trace.getTracer('app');
    const request = tracer.startSpan('POST /ask');
    const answer = await context.with(trace.setSpan(context.active(), request), () =>
      ragChain(retriever).invoke('capital of France?', { callbacks: [handler] }),
    );
    request.end();
    expect(answer).toBe('Paris');

    const spans = t.spans();
    const root = spanNamed(spans, 'invoke_workflow rag');
    expect(isChildOf(root, spanNamed(spans, 'POST /ask'))).toBe(true);
    expect(root.attributes[ATTR.OPERATION_NAME]).toBe('invoke_workflow');

    const retrieval = spans.find((s) => s.name.startsWith('retrieval '));
    expect(retrieval?.attributes[ATTR.RETRIEVAL_DOCUMENT_COUNT]).toBe(3);
    expect(retrieval?.attributes[ATTR.OPERATION_NAME]).toBe('retrieval');
    // the retrieval sits somewhere under the chain root, in the same trace
    let up = retrieval && parentOf(spans, retrieval);
    while (up && up !== root) up = parentOf(spans, up);
    expect(up).toBe(root);

    const chat = spans.find((s) => s.attributes[ATTR.OPERATION_NAME] === 'chat');
    expect(chat && isChildOf(chat, root)).toBe(true);
    expect(tree(spans)).toContain('invoke_workflow ChatPromptTemplate');
    expect(tree(spans)).toContain('invoke_workflow StrOutputParser');
    for (const s of spans) expect(s.spanContext().traceId).toBe(request.spanContext().traceId);
    expect(handler.openRuns).toBe(0);
  });

  it('a failing retriever fails its span and the chain span with error.type', async () => {
    const handler = new LLMeterCallbackHandler();
    await expect(
      ragChain(new BrokenRetriever()).invoke('q', { callbacks: [handler] }),
    ).rejects.toThrow('index offline');
    const spans = t.spans();
    const retrieval = spans.find((s) => s.name.startsWith('retrieval '));
    expect(retrieval?.attributes[ATTR.ERROR_TYPE]).toBe('TypeError');
    expect(retrieval?.status.code).toBe(2);
    expect(spanNamed(spans, 'invoke_workflow rag').attributes[ATTR.ERROR_TYPE]).toBe('TypeError');
    const m = await t.collectMetrics();
    expect(count(t.metric(m, METRIC.CLIENT_OPERATION_DURATION))).toBe(0);
    expect(handler.openRuns).toBe(0);
  });

  it('chainSpans: false keeps chains out of the trace but keeps the tree', async () => {
    const handler = new LLMeterCallbackHandler({ chainSpans: false });
    const tracer = trace.getTracer('app');
    const request = tracer.startSpan('job');
    await context.with(trace.setSpan(context.active(), request), () =>
      ragChain(new FakeRetriever()).invoke('q', { callbacks: [handler] }),
    );
    request.end();
    const spans = t.spans();
    expect(spans.some((s) => s.name.startsWith('invoke_workflow'))).toBe(false);
    const chat = spans.find((s) => s.attributes[ATTR.OPERATION_NAME] === 'chat');
    expect(chat && parentOf(spans, chat)?.name).toBe('job');
    expect(handler.openRuns).toBe(0);
  });

  it('LangGraph node metadata is kept on workflow spans', async () => {
    const handler = new LLMeterCallbackHandler();
    await RunnableLambda.from((x: string) => x).invoke('x', {
      callbacks: [handler],
      runName: 'node-step',
      metadata: { langgraph_node: 'retrieve' },
    });
    expect(
      spanNamed(t.spans(), 'invoke_workflow node-step').attributes[LC_ATTR.LANGGRAPH_NODE],
    ).toBe('retrieve');
  });
});
