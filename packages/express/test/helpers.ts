import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InMemoryLLMeter, ReadableSpan } from '@llmeter/testing/in-memory';
import express5 from 'express';
import express4 from 'express4';
import { vi } from 'vitest';

export type ExpressFactory = typeof express5;

/** Every test that touches Express runs against both majors. */
export const EXPRESS_VERSIONS: Array<[string, ExpressFactory]> = [
  ['express 4', express4 as unknown as ExpressFactory],
  ['express 5', express5],
];

export interface Running {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** `app.listen(0)` on loopback; close() also drops keep-alive and streaming sockets. */
export async function start(app: {
  listen: ExpressFactory['application']['listen'];
}): Promise<Running> {
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** Waits for a finished span (spans end on the response's 'finish', which may trail the client). */
export async function spanNamed(t: InMemoryLLMeter, predicate: (s: ReadableSpan) => boolean) {
  return vi.waitFor(
    () => {
      const found = t.spans().find(predicate);
      if (!found) throw new Error('span not finished yet');
      return found;
    },
    { timeout: 5000, interval: 10 },
  );
}

export function serverSpan(t: InMemoryLLMeter) {
  return spanNamed(t, (s) => s.kind === 1 /* SERVER */);
}

export function parentSpanId(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits at least `ms` of real time. setTimeout counts from the event loop's
 * cached clock, which can lag the real one, so a bare timer may end a little
 * early; an injected delay the tests assert against must not.
 */
export async function sleepAtLeast(ms: number): Promise<void> {
  const until = performance.now() + ms;
  for (let left = ms; left > 0; left = until - performance.now()) await sleep(Math.ceil(left));
}
