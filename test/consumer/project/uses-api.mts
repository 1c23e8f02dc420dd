// The READMEs' code, type-checked strictly against the packed declarations.
import { init, type LLMeter, withAgent, withLLMCall, withTool } from '@llmeter/core';
import {
  DEFAULT_EXCLUDED_PATHS,
  llmeterAgent,
  llmeterErrorHandler,
  llmeterMiddleware,
  metricsHandler,
} from '@llmeter/express';
import { attachLLMeterGlobally, LLMeterCallbackHandler } from '@llmeter/langchain';
import { instrumentOpenAI, OpenAIInstrumentation } from '@llmeter/openai';
import { startMockLLM, startOtlpHttpReceiver } from '@llmeter/testing';
import { setupInMemory } from '@llmeter/testing/in-memory';
import express from 'express';
import OpenAI from 'openai';

export async function typed(): Promise<string> {
  const llmeter: LLMeter = init({
    serviceName: 'typed',
    flushOnExit: true,
    instrumentations: [new OpenAIInstrumentation()],
  });
  const client: OpenAI = instrumentOpenAI(new OpenAI({ apiKey: 'test' }));
  const app = express();
  app.use(llmeterMiddleware({ excludePaths: [...DEFAULT_EXCLUDED_PATHS, '/status'] }));
  app.get('/metrics', metricsHandler());
  app.post('/chat', llmeterAgent('support-agent'), (_req, res) => {
    res.json({ ok: true });
  });
  app.use(llmeterErrorHandler());
  const handler = new LLMeterCallbackHandler({ chainSpans: true });
  attachLLMeterGlobally(handler);
  const mock = await startMockLLM();
  const receiver = await startOtlpHttpReceiver();
  const memory = setupInMemory();
  const answer: string = await withAgent('support-agent', async () => {
    const weather: string = await withTool('get_weather', async () => 'sunny');
    return withLLMCall({ requestModel: 'gpt-4o-mini' }, async () => weather);
  });
  await Promise.all([mock.close(), receiver.close(), memory.shutdown(), llmeter.shutdown()]);
  void client;
  return answer;
}
