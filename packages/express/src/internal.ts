import { internalLogger } from '@llmeter/core/internal';

/**
 * One info line per distinct situation per owner (a sampler, a middleware):
 * "no GPU here" is worth saying once, not every 15 seconds.
 */
export class OnceLogger {
  private readonly said = new Set<string>();

  info(key: string, message: string, detail?: Record<string, unknown>): void {
    if (this.said.has(key)) return;
    this.said.add(key);
    internalLogger().info(detail ?? {}, message);
  }
}
