import type { LLMOperation } from '@llmeter/core';
import { reportInternalError, warnOnce } from '@llmeter/core/internal';
import { isStream, observeStream, StreamObserver } from './stream';
import type { Surface } from './surfaces/surface';

/**
 * Everything known about one call between the request and its outcome. Every
 * path that ends the operation goes through here, so it ends exactly once.
 */
export class CallObserver {
  private settled = false;
  /** The caller (or an SDK helper) consumed the promise: await, then, withResponse, ... */
  parseStarted = false;
  private rawCheckScheduled = false;

  constructor(
    private readonly op: LLMOperation,
    private readonly surface: Surface,
    private readonly capture: boolean,
    private readonly streaming: boolean,
  ) {}

  // Arrow properties: handed to `then` as they are, no closure per call site.
  readonly parsed = (value: unknown): void => {
    if (this.settled) return;
    this.settled = true;
    try {
      if (this.streaming && isStream(value)) {
        const observer = new StreamObserver(this.op, this.surface.accumulator(this.capture));
        if (observeStream(value, observer)) return;
        warnOnce(
          'anthropic.stream-shape',
          'Anthropic Stream without an iterator factory: stream not measured',
        );
        this.op.end({ incomplete: true });
        return;
      }
      this.op.end(this.surface.result(value, this.capture));
    } catch (error) {
      reportInternalError('anthropic.result', error);
      this.end();
    }
  };

  readonly failed = (error: unknown): void => {
    if (this.settled) return;
    this.settled = true;
    try {
      this.op.fail(error);
    } catch (e) {
      reportInternalError('anthropic.fail', e);
    }
  };

  /** Nothing more can be learnt about the call: end it with what is known. */
  end(): void {
    this.settled = true;
    try {
      this.op.end();
    } catch (error) {
      reportInternalError('anthropic.end', error);
    }
  }

  /**
   * `.asResponse()`: the caller reads the body itself, so no parse will tell
   * the outcome. End once the response has arrived, unless a parse started
   * meanwhile (`withResponse()` runs both); checked on the next macrotask,
   * after the caller's own chained callbacks.
   */
  readonly rawResponseArrived = (): void => {
    if (this.rawCheckScheduled || this.settled) return;
    this.rawCheckScheduled = true;
    setImmediate(() => {
      if (!this.parseStarted && !this.settled) this.end();
    });
  };
}
