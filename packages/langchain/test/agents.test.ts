import { tool } from '@langchain/core/tools';
import { createReactAgent } from '@langchain/langgraph/prebuilt';
import { ChatOpenAI } from '@langchain/openai';
import { ATTR, METRIC } from '@llmeter/core';
import { LLMeterCallbackHandler } from '@llmeter/langchain';
import { startMockLLM } from '@llmeter/testing';
import { type InMemoryLLMeter, type ReadableSpan, setupInMemory } from '@llmeter/testing/in-memory';
import { context, trace } from '@opentelemetry/api';
import { createAgent } from 'langchain';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LC_EVENT } from '../src/constants';
import { count, isChildOf, parentOf, points, spanNamed, spansNamed, sum, tree } from './helpers';
import { instrumentedFetch } from './sdk-adapter';

let t: InMemoryLLMeter;
let mock: Awaited<ReturnType<typeof startMockLLM>>;

beforeAll(async () => {
  t = setupInMemory();
  mock = await startMockLLM();
});
afterAll(async () => {
  await mock.close();
  await t.shutdown();
});
afterEach(async () => {
  t.reset();
  mock.reset();
  await t.collectMetrics();
});

class ClockUnavailable extends Error {
  override name = 'ClockUnavailable';
}

const weather = tool(async ({ city }) => `sunny in ${city}`, {
  name: 'get_weather',
  description: 'Current weather in a city',
  schema: z.object({ city: z.string() }),
});
const clock = tool(
  async () => {
    throw new ClockUnavailable('clock service unreachable');
  },
  {
    name: 'get_time',
    description: 'Local time in a timezone',
    schema: z.object({ tz: z.string() }),
  },
);

/** ChatOpenAI whose OpenAI client is instrumented by an SDK adapter, as with @llmeter/openai. */
function model() {
  const sdk = instrumentedFetch(mock.port);
  const chat = new ChatOpenAI({
    model: 'gpt-4o-mini',
    apiKey: 'test',
    maxRetries: 0,
    configuration: { baseURL: mock.url, fetch: sdk.fetch },
  });
  return { chat, sdk };
}

// The mock calls every tool the user message names (in parallel), then answers the tool results in text.
const question = { messages: [{ role: 'user', content: 'use get_weather and get_time please' }] };

function ancestors(spans: ReadableSpan[], span: ReadableSpan): string[] {
  const names: string[] = [];
  for (let up = parentOf(spans, span); up; up = parentOf(spans, up)) names.push(up.name);
  return names;
}

async function expectAgentTelemetry(agentName: string, sdkOps: number) {
  const spans = t.spans();
  const agent = spanNamed(spans, `invoke_agent ${agentName}`);
  expect(isChildOf(agent, spanNamed(spans, 'POST /agent'))).toBe(true);
  expect(agent.attributes[ATTR.AGENT_NAME]).toBe(agentName);
  expect(agent.attributes[ATTR.LLMETER_AGENT_INFERENCE_CALLS]).toBe(2);
  expect(agent.attributes[ATTR.LLMETER_AGENT_TOOL_CALLS]).toBe(2);

  // model runs: LangChain's spans under the agent, each with the SDK adapter's span nested in it
  const chats = spansNamed(spans, 'chat gpt-4o-mini');
  expect(chats).toHaveLength(2 + sdkOps);
  for (const chat of chats) expect(ancestors(spans, chat)).toContain(agent.name);
  const inner = chats.filter((c) => parentOf(spans, c)?.name === 'chat gpt-4o-mini');
  expect(inner).toHaveLength(sdkOps);

  // tools: both under the agent, the failure with its error type
  const ok = spanNamed(spans, 'execute_tool get_weather');
  const failed = spanNamed(spans, 'execute_tool get_time');
  expect(ancestors(spans, ok)).toContain(agent.name);
  expect(ancestors(spans, failed)).toContain(agent.name);
  expect(ok.attributes[ATTR.TOOL_CALL_ID]).toMatch(/^call_/);
  expect(ok.status.code).not.toBe(2);
  expect(failed.attributes[ATTR.ERROR_TYPE]).toBe('ClockUnavailable');
  expect(failed.status.code).toBe(2);

  const m = await t.collectMetrics();
  // one set of metrics per model call, however many adapters saw it
  expect(count(t.metric(m, METRIC.CLIENT_OPERATION_DURATION))).toBe(2);
  expect(sum(t.metric(m, METRIC.CLIENT_TOKEN_USAGE), { [ATTR.TOKEN_TYPE]: 'output' })).toBe(
    sumAttr(
      chats.filter((c) => !inner.includes(c)),
      ATTR.USAGE_OUTPUT_TOKENS,
    ),
  );
  const toolDuration = t.metric(m, METRIC.EXECUTE_TOOL_DURATION);
  expect(count(toolDuration, { [ATTR.TOOL_NAME]: 'get_weather' })).toBe(1);
  expect(
    points(toolDuration, { [ATTR.TOOL_NAME]: 'get_weather' })[0]?.attributes[ATTR.ERROR_TYPE],
  ).toBeUndefined();
  expect(
    count(toolDuration, { [ATTR.TOOL_NAME]: 'get_time', [ATTR.ERROR_TYPE]: 'ClockUnavailable' }),
  ).toBe(1);
  const perAgent = { [ATTR.AGENT_NAME]: agentName };
  expect(count(t.metric(m, METRIC.INVOKE_AGENT_DURATION), perAgent)).toBe(1);
  expect(count(t.metric(m, METRIC.INVOKE_AGENT_INFERENCE_CALLS), perAgent)).toBe(1);
  expect(sum(t.metric(m, METRIC.INVOKE_AGENT_INFERENCE_CALLS), perAgent)).toBe(2);
  expect(sum(t.metric(m, METRIC.INVOKE_AGENT_TOOL_CALLS), perAgent)).toBe(2);
}

function sumAttr(spans: ReadableSpan[], key: string): number {
  return spans.reduce((n, s) => n + Number(s.attributes[key] ?? 0), 0);
}

async function inRequest<T>(fn: () => Promise<T>): Promise<T> {
  const span = trace.getTracer('app').startSpan('POST /agent');
  try {
    return await context.with(trace.setSpan(context.active(), span), fn);
  } finally {
    span.end();
  }
}

describe('agents', () => {
  it('langchain createAgent: invoke_agent with its model and tool calls, a failing tool, one count per model call', async () => {
    const handler = new LLMeterCallbackHandler();
    const { chat, sdk } = model();
    const agent = createAgent({ model: chat, tools: [weather, clock], name: 'helper' });
    const result = await inRequest(() => agent.invoke(question, { callbacks: [handler] }));
    expect(result.messages.at(-1)?.content).toBeTruthy();
    expect(sdk.ops).toHaveLength(2);
    expect(sdk.ops.every((op) => op.nested)).toBe(true);
    await expectAgentTelemetry('helper', 2);
    expect(handler.openRuns).toBe(0);
  });

  it("LangGraph's prebuilt ReAct agent: the graph run is the agent", async () => {
    // chainSpans: true shows the graph's nodes (by default an agent's chains get no span)
    const handler = new LLMeterCallbackHandler({ chainSpans: true });
    const { chat, sdk } = model();
    const agent = createReactAgent({ llm: chat, tools: [weather, clock], name: 'react' });
    await inRequest(() => agent.invoke(question, { callbacks: [handler] }));
    expect(sdk.ops.every((op) => op.nested)).toBe(true);
    await expectAgentTelemetry('react', 2);
    expect(tree(t.spans())).toMatch(/invoke_agent react\n\s+invoke_workflow agent/);
    expect(handler.openRuns).toBe(0);
  });

  it('an agent left unnamed takes the configured agentName; langGraphAgents: false leaves graphs as workflows', async () => {
    const { chat } = model();
    const unnamed = createReactAgent({ llm: chat, tools: [weather] });
    await unnamed.invoke(question, {
      callbacks: [new LLMeterCallbackHandler({ agentName: 'support-bot' })],
    });
    expect(spansNamed(t.spans(), 'invoke_agent support-bot')).toHaveLength(1);
    t.reset();
    await unnamed.invoke(question, {
      callbacks: [new LLMeterCallbackHandler({ langGraphAgents: false })],
    });
    expect(t.spans().some((s) => s.name.startsWith('invoke_agent'))).toBe(false);
    t.reset();
    const named = createAgent({ model: chat, tools: [weather] });
    await named.invoke(question, {
      callbacks: [
        new LLMeterCallbackHandler({
          langGraphAgents: false,
          isAgentRun: (run) => (run.className === 'CompiledStateGraph' ? 'custom' : undefined),
        }),
      ],
    });
    expect(spansNamed(t.spans(), 'invoke_agent custom')).toHaveLength(1);
  });

  it('classic AgentExecutor callbacks: the executor run is the agent; actions and finish are span events', () => {
    const handler = new LLMeterCallbackHandler();
    const executor = {
      lc: 1,
      type: 'not_implemented',
      id: ['langchain', 'agents', 'executor', 'AgentExecutor'],
    };
    handler.handleChainStart(
      executor,
      {},
      'run-exec',
      undefined,
      [],
      {},
      undefined,
      'AgentExecutor',
    );
    handler.handleAgentAction({ tool: 'search', toolInput: 'x', log: '' }, 'run-exec');
    handler.handleToolStart(
      { lc: 1, type: 'not_implemented', id: ['search'] },
      'x',
      'run-tool',
      'run-exec',
      [],
      {},
      'search',
    );
    handler.handleToolEnd('found', 'run-tool');
    handler.handleAgentEnd({ returnValues: {}, log: '' }, 'run-exec');
    handler.handleChainEnd({}, 'run-exec');
    const agent = spanNamed(t.spans(), 'invoke_agent langchain_agent');
    expect(agent.events.map((e) => e.name)).toEqual([LC_EVENT.AGENT_ACTION, LC_EVENT.AGENT_FINISH]);
    expect(agent.attributes[ATTR.LLMETER_AGENT_TOOL_CALLS]).toBe(1);
    expect(isChildOf(spanNamed(t.spans(), 'execute_tool search'), agent)).toBe(true);
  });

  it('a LangGraph interrupt ends the agent span without marking it failed', () => {
    const handler = new LLMeterCallbackHandler();
    const graph = {
      lc: 1,
      type: 'not_implemented',
      id: ['langgraph', 'pregel', 'CompiledStateGraph'],
    };
    handler.handleChainStart(graph, {}, 'run-g', undefined, [], {}, undefined, 'planner');
    const interrupt = Object.assign(new Error('needs approval'), { name: 'GraphInterrupt' });
    handler.handleChainError(interrupt, 'run-g');
    const agent = spanNamed(t.spans(), 'invoke_agent planner');
    expect(agent.status.code).not.toBe(2);
    expect(agent.attributes[ATTR.ERROR_TYPE]).toBeUndefined();
  });
});
