import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MockLLMBehavior } from '../types.js';
import type { Json } from './tokens.js';

/** What every endpoint handler gets for one request. */
export interface RequestContext {
  res: ServerResponse;
  body: Json;
  behavior: MockLLMBehavior;
  /** Aborts when the client goes away or the server closes. */
  signal: AbortSignal;
  nextId: (prefix: string) => string;
  requestId: string;
}

/** One SSE frame; `content` frames are the ones delays and faults count. */
export interface Frame {
  data: string;
  event?: string;
  content: boolean;
}

// Unref'd timers: a pending delay never holds the process open by itself.
export const wait = (ms: number, signal: AbortSignal): Promise<void> =>
  ms > 0 ? sleep(ms, undefined, { signal, ref: false }) : Promise.resolve();

export const dataFrame = (payload: unknown, content = true): Frame => ({
  data: JSON.stringify(payload),
  content,
});

export const DONE_FRAME: Frame = { data: '[DONE]', content: false };

function serialize(frame: Frame): string {
  return `${frame.event ? `event: ${frame.event}\n` : ''}data: ${frame.data}\n\n`;
}

function baseHeaders(ctx: RequestContext): Record<string, string> {
  return {
    'x-request-id': ctx.requestId,
    'openai-processing-ms': '1',
    'openai-version': '2020-10-01',
  };
}

/** A JSON answer after the first-chunk delay; `malformed` cuts the body in half. */
export async function sendJson(ctx: RequestContext, payload: unknown): Promise<void> {
  await wait(ctx.behavior.firstChunkDelayMs, ctx.signal);
  const text = JSON.stringify(payload);
  const body = ctx.behavior.malformed ? text.slice(0, Math.floor(text.length / 2)) : text;
  ctx.res.writeHead(200, { ...baseHeaders(ctx), 'content-type': 'application/json' });
  ctx.res.end(body);
}

/**
 * Streams frames as a model server does: headers at once, the first content
 * frame after `firstChunkDelayMs`, `chunkDelayMs` between content frames.
 * `failAfterChunks` drops the connection mid-stream; `malformed` sends a
 * cut-off frame halfway and ends the body without the closing frame.
 */
export async function streamFrames(ctx: RequestContext, frames: Frame[]): Promise<void> {
  const { res, behavior, signal } = ctx;
  res.writeHead(200, {
    ...baseHeaders(ctx),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  res.flushHeaders();
  const contentTotal = frames.filter((f) => f.content).length;
  const cutAt = behavior.malformed ? Math.max(1, Math.floor(contentTotal / 2)) : -1;
  let sent = 0;
  for (const frame of frames) {
    if (frame.content) {
      await wait(sent === 0 ? behavior.firstChunkDelayMs : behavior.chunkDelayMs, signal);
      if (behavior.failAfterChunks !== undefined && sent >= behavior.failAfterChunks) {
        // end(), not destroy(): the chunks already written reach the client
        // first, then the connection closes without the terminating chunk.
        res.socket?.end();
        return;
      }
      if (sent === cutAt) {
        const text = serialize(frame);
        res.end(`${text.slice(0, Math.floor(text.length / 2))}\n\n`);
        return;
      }
      sent += 1;
    }
    if (signal.aborted) return;
    res.write(serialize(frame));
  }
  if (sent === 0) await wait(behavior.firstChunkDelayMs, signal);
  res.end();
}

const ERROR_BODIES: Record<number, { message: string; type: string; code: string | null }> = {
  400: { message: 'Invalid request.', type: 'invalid_request_error', code: null },
  401: {
    message:
      'Incorrect API key provided: sk-mock. You can find your API key at https://platform.openai.com/account/api-keys.',
    type: 'invalid_request_error',
    code: 'invalid_api_key',
  },
  404: {
    message: 'The model does not exist or you do not have access to it.',
    type: 'invalid_request_error',
    code: 'model_not_found',
  },
  429: {
    message:
      'Rate limit reached for requests in organization org-mock on requests per min (RPM): Limit 3, Used 3, Requested 1.',
    type: 'requests',
    code: 'rate_limit_exceeded',
  },
  500: {
    message: 'The server had an error while processing your request. Sorry about that!',
    type: 'server_error',
    code: null,
  },
  503: {
    message: 'The engine is currently overloaded, please try again later.',
    type: 'server_error',
    code: null,
  },
};

/**
 * OpenAI's error envelope `{error:{message,type,param,code}}`; 429 and 503
 * carry `retry-after`. A custom message (routing, parsing) has no error code.
 */
export function sendError(ctx: RequestContext, status: number, message?: string): void {
  const fallback = ERROR_BODIES[status] ?? ERROR_BODIES[status >= 500 ? 500 : 400];
  const known =
    message === undefined
      ? fallback
      : { type: fallback?.type ?? 'invalid_request_error', message, code: null };
  const headers: Record<string, string> = {
    ...baseHeaders(ctx),
    'content-type': 'application/json',
  };
  if (status === 429 || status === 503)
    headers['retry-after'] = String(ctx.behavior.retryAfterSeconds);
  if (status === 429) {
    headers['x-ratelimit-limit-requests'] = '3';
    headers['x-ratelimit-remaining-requests'] = '0';
    headers['x-ratelimit-reset-requests'] = `${ctx.behavior.retryAfterSeconds}s`;
  }
  ctx.res.writeHead(status, headers);
  ctx.res.end(JSON.stringify({ error: { ...known, param: null } }));
}
