// A service written from the READMEs, as an ES module: Express with the request
// middleware, a per-route agent, /metrics, an instrumented OpenAI client and a
// LangChain runnable with the callback handler. It stops on SIGTERM.
import { RunnableLambda } from '@langchain/core/runnables';
import { init } from '@llmeter/core';
import { llmeterAgent, llmeterMiddleware, metricsHandler } from '@llmeter/express';
import { LLMeterCallbackHandler } from '@llmeter/langchain';
import { instrumentOpenAI } from '@llmeter/openai';
import express from 'express';
import OpenAI from 'openai';

const llmeter = init({ serviceName: process.env.OTEL_SERVICE_NAME, logger: false });
const client = instrumentOpenAI(
  new OpenAI({ baseURL: process.env.MOCK_LLM_URL, apiKey: 'test', maxRetries: 0 }),
);
const handler = new LLMeterCallbackHandler();
const shout = RunnableLambda.from(async (text) => text.toUpperCase()).withConfig({
  runName: 'shout',
});

const app = express();
app.use(llmeterMiddleware());
app.get('/metrics', metricsHandler());
app.post('/chat', llmeterAgent('consumer-agent'), async (_req, res) => {
  const completion = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Hi' }],
  });
  const text = await shout.invoke(completion.choices[0].message.content, { callbacks: [handler] });
  res.json({ text });
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.once('SIGTERM', async () => {
  server.close();
  await llmeter.shutdown();
  process.stdout.write('stopped\n');
  process.exit(0);
});
