// llmeter core demo: no adapter, just the manual helpers around real HTTP calls
// (JSON and SSE streaming) to the mock OpenAI-compatible server from
// @llmeter/testing. Prints a per-model table computed from llmeter's own
// /metrics, one trace as an indented tree, and where the live endpoints are.
// `node demo.mjs --serve` keeps everything running for exploration.
import { getLLMeter, withAgent, withLLMCall, withTool } from '@llmeter/core';
import { startMockLLM } from '@llmeter/testing';
import { setupInMemory } from '@llmeter/testing/in-memory';
import { printTable, printTrace, progress } from './print.mjs';
import { modelRows, parsePrometheusText } from './prom-text.mjs';

const serve = process.argv.includes('--serve');
const mock = await startMockLLM({ firstChunkDelayMs: 60, chunkDelayMs: 8, chunks: 12 });
const demo = setupInMemory({
  serviceName: 'core-demo',
  metricsPort: serve ? 9464 : 0,
  metricsHost: '127.0.0.1',
});
const { port: mockPort, hostname } = new URL(mock.url);
const server = { provider: 'openai', serverAddress: hostname, serverPort: Number(mockPort) };

async function chat(model, { stream = false, headers = {} } = {}) {
  return withLLMCall(
    { ...server, requestModel: model, request: { stream, maxTokens: 64 } },
    async (op) => {
      const response = await fetch(`${mock.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({
          model,
          stream,
          ...(stream && { stream_options: { include_usage: true } }),
          messages: [{ role: 'user', content: 'What is the weather in Lisbon?' }],
        }),
      });
      if (!response.ok)
        throw Object.assign(new Error(`upstream ${response.status}`), {
          name: `HTTP${response.status}`,
        });
      if (!stream) {
        const body = await response.json();
        op.update(result(body));
        return body.choices[0].message.content;
      }
      let text = '';
      let buffered = '';
      for await (const bytes of response.body) {
        buffered += Buffer.from(bytes).toString('utf8');
        let cut = buffered.indexOf('\n\n');
        while (cut !== -1) {
          const data = buffered.slice(0, cut).replace(/^data: /, '');
          buffered = buffered.slice(cut + 2);
          cut = buffered.indexOf('\n\n');
          if (data === '[DONE]') continue;
          const chunk = JSON.parse(data);
          if (chunk.choices?.length) {
            op.chunk();
            text += chunk.choices[0].delta?.content ?? '';
          }
          op.update(result(chunk));
        }
      }
      return text;
    },
  );
}

function result(body) {
  const u = body.usage;
  return {
    responseModel: body.model,
    responseId: body.id,
    finishReasons: body.choices?.map((c) => c.finish_reason).filter(Boolean),
    usage: u && {
      inputTokens: u.prompt_tokens,
      outputTokens: u.completion_tokens,
      cacheReadInputTokens: u.prompt_tokens_details?.cached_tokens,
      reasoningOutputTokens: u.completion_tokens_details?.reasoning_tokens,
    },
  };
}

const plan = [
  ...Array.from(
    { length: 14 },
    (_, i) => () => chat(i % 2 ? 'gpt-4o-mini' : 'gpt-4o', { stream: i % 3 !== 0 }),
  ),
  () => chat('gpt-4o-mini', { headers: { 'x-mock-error-status': '429' } }).catch(() => {}),
  () =>
    withAgent('support-agent', async () => {
      await chat('gpt-4o', { stream: true });
      await withTool({ name: 'get_weather', callId: 'call_1' }, async () => ({
        city: 'Lisbon',
        temp: 21,
      }));
      await withTool('get_time', async () => {
        throw new Error('clock service down');
      }).catch(() => {});
      return chat('gpt-4o', { stream: true });
    }),
];
for (const [i, step] of plan.entries()) {
  await step();
  progress(i + 1, plan.length);
}

const text = await demo.metricsText();
const families = parsePrometheusText(text);
printTable(modelRows(families));
const agentSpan = demo.spans().find((s) => s.name.startsWith('invoke_agent'));
printTrace(demo.spans(), agentSpan);

const metricsPort = getLLMeter()?.metricsServer?.address()?.port;
console.log('\nLive endpoints');
console.log(`  mock LLM (OpenAI-compatible)  ${mock.url}`);
console.log(`  llmeter /metrics              http://127.0.0.1:${metricsPort}/metrics`);
console.log('  (OpenMetrics with exemplars: curl -H "Accept: application/openmetrics-text" …)');

if (serve) {
  console.log('\n--serve: running until Ctrl-C');
  setInterval(() => {}, 60_000);
} else {
  await demo.shutdown();
  await mock.close();
}
