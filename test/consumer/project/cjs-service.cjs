// The same service as CommonJS: require() of every package.
const { init } = require('@llmeter/core');
const { llmeterAgent, llmeterMiddleware, metricsHandler } = require('@llmeter/express');
const { instrumentOpenAI } = require('@llmeter/openai');
const express = require('express');
const { OpenAI } = require('openai');

const llmeter = init({ serviceName: process.env.OTEL_SERVICE_NAME, logger: false });
const client = instrumentOpenAI(
  new OpenAI({ baseURL: process.env.MOCK_LLM_URL, apiKey: 'test', maxRetries: 0 }),
);

const app = express();
app.use(llmeterMiddleware());
app.get('/metrics', metricsHandler());
app.post('/chat', llmeterAgent('consumer-agent'), async (_req, res) => {
  const completion = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Hi' }],
  });
  res.json({ text: completion.choices[0].message.content });
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
