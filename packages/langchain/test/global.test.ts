import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RunnableLambda } from '@langchain/core/runnables';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { ATTR } from '@llmeter/core';
import {
  attachLLMeterGlobally,
  detachLLMeterGlobally,
  LLMeterCallbackHandler,
} from '@llmeter/langchain';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import { context, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isChildOf, spanNamed } from './helpers';

let t: InMemoryLLMeter;
beforeAll(() => {
  t = setupInMemory();
});
afterAll(() => t.shutdown());
afterEach(() => {
  detachLLMeterGlobally();
  t.reset();
});

const chatSpans = () => t.spans().filter((s) => s.attributes[ATTR.OPERATION_NAME] === 'chat');

describe('attaching once for the whole process', () => {
  it('every run started after attachLLMeterGlobally() is measured without passing callbacks', async () => {
    const handler = attachLLMeterGlobally({ agentName: 'bot' });
    expect(handler).toBeInstanceOf(LLMeterCallbackHandler);
    const model = new FakeListChatModel({ responses: ['ok'] });
    await model.invoke('hi');
    await RunnableLambda.from((x: string) => model.invoke(x)).invoke('nested');
    expect(chatSpans()).toHaveLength(2);
    expect(handler.openRuns).toBe(0);
  });

  it('reaches requests served by a server started after it, each rooted in its request span', async () => {
    attachLLMeterGlobally();
    const model = new FakeListChatModel({ responses: ['ok'] });
    const tracer = trace.getTracer('app');
    const server = createServer((req, res) => {
      const span = tracer.startSpan(`GET ${req.url}`);
      context.with(trace.setSpan(context.active(), span), async () => {
        await model.invoke('hi');
        span.end();
        res.end('done');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await Promise.all([fetch(`http://127.0.0.1:${port}/a`), fetch(`http://127.0.0.1:${port}/b`)]);
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const spans = t.spans();
    const chats = chatSpans();
    expect(chats).toHaveLength(2);
    const parents = chats.map((c) => spans.find((s) => isChildOf(c, s))?.name).sort();
    expect(parents).toEqual(['GET /a', 'GET /b']);
  });

  it('a run that already carries a handler per call is not measured twice', async () => {
    attachLLMeterGlobally();
    const model = new FakeListChatModel({ responses: ['ok'] });
    await model.invoke('hi', { callbacks: [new LLMeterCallbackHandler()] });
    expect(chatSpans()).toHaveLength(1);
  });

  it('two handlers on one run (per call and on the model) record it once', async () => {
    const model = new FakeListChatModel({
      responses: ['ok'],
      callbacks: [new LLMeterCallbackHandler()],
    });
    await RunnableLambda.from((x: string) => model.invoke(x))
      .withConfig({ runName: 'outer' })
      .invoke('hi', { callbacks: [new LLMeterCallbackHandler()] });
    expect(chatSpans()).toHaveLength(1);
    expect(isChildOf(chatSpans()[0] as never, spanNamed(t.spans(), 'invoke_workflow outer'))).toBe(
      true,
    );
  });

  it('detachLLMeterGlobally() stops it', async () => {
    attachLLMeterGlobally();
    detachLLMeterGlobally();
    await new FakeListChatModel({ responses: ['ok'] }).invoke('hi');
    expect(chatSpans()).toHaveLength(0);
  });
});
