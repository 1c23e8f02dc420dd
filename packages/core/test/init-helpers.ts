import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { getLLMeter } from '../src/index';

/** init() options that export nothing, log nothing and leave the process's signals alone. */
export const quiet = {
  tracesExporter: ['none'],
  metricsExporter: ['prometheus'],
  handleSignals: false,
  logger: false,
} as const;

/** After each test: stop llmeter and clear the OTel globals it may have registered. */
export async function stopLLMeter(): Promise<void> {
  await getLLMeter()?.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
  metrics.disable();
}
