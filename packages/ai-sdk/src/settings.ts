import { getLLMeter } from '@llmeter/core';
import { PROVIDER_BY_PREFIX } from './constants';
import type { LLMeterTelemetryOptions } from './types';

/** Mapped once per provider id: the set of ids an application uses is small and fixed. */
const providerNames = new Map<string, string>();

/** `gen_ai.provider.name` of an AI SDK provider id (`openai.chat`, `anthropic.messages`, ...). */
export function providerName(id: unknown, options: LLMeterTelemetryOptions): string | undefined {
  if (options.provider) return options.provider;
  if (typeof id !== 'string' || id.length === 0) return undefined;
  let name = providerNames.get(id);
  if (name === undefined) {
    name = mapProvider(id);
    if (providerNames.size < 256) providerNames.set(id, name);
  }
  return name;
}

function mapProvider(id: string): string {
  const lower = id.toLowerCase();
  for (const [prefix, name] of PROVIDER_BY_PREFIX) {
    if (lower === prefix || lower.startsWith(`${prefix}.`) || lower.startsWith(`${prefix}-`)) {
      return name;
    }
  }
  return lower.split('.')[0] || lower;
}

/**
 * Content is built only when llmeter records it, this integration does not
 * opt out, and the AI SDK call records that side (`telemetry.recordInputs` /
 * `recordOutputs`, which the AI SDK copies onto every event it hands over).
 */
export function captureContentFor(
  options: LLMeterTelemetryOptions,
  event: Record<string, unknown>,
  side: 'inputs' | 'outputs',
): boolean {
  if (options.captureContent === false || getLLMeter()?.config.captureContent !== true)
    return false;
  return (side === 'inputs' ? event.recordInputs : event.recordOutputs) !== false;
}
