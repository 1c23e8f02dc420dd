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

/** `error.type` for an error object, as core derives it: class name, else name, else code. */
export function errorTypeOf(error: unknown): string {
  try {
    if (error && typeof error === 'object') {
      const ctor = (error as { constructor?: { name?: unknown } }).constructor?.name;
      if (typeof ctor === 'string' && ctor !== 'Error' && ctor !== 'Object' && ctor.length < 64) {
        return ctor;
      }
      const name = (error as { name?: unknown }).name;
      if (typeof name === 'string' && name !== 'Error' && name.length < 64) return name;
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && code.length < 64) return code;
    }
  } catch {
    // an error object with throwing getters
  }
  return '_OTHER';
}
