import type { ServerResponse } from 'node:http';
import { getRecorder, reportInternalError } from '@llmeter/core/internal';
import { ERROR_TYPE_ABORTED } from '../constants';
import { urlPath } from '../http';
import { getRequestState } from '../request-state';
import type { Middleware, RequestLike, ServingOptions } from '../types';
import { ResponseObserver } from './response-observer';
import { timePerOutputToken } from './token-timing';

const OBSERVED = Symbol.for('llmeter.express.serving');

/**
 * For routes where this application serves an OpenAI-compatible API itself
 * (`app.post('/v1/chat/completions', llmeterServing(), handler)`): records
 * `gen_ai.server.request.duration`, `gen_ai.server.time_to_first_token` and
 * `gen_ai.server.time_per_output_token` from what the route writes, JSON or
 * SSE. The response is observed, never changed: `res.write`/`res.end` are
 * wrapped on this response only, every argument is passed through and every
 * return value comes back. Put it after any compression middleware (it must
 * see the uncompressed bytes; compressed bodies give the duration only).
 */
export function llmeterServing<Req extends RequestLike = RequestLike>(
  options: ServingOptions<Req> = {},
): Middleware<Req> {
  return function llmeterServing(req, res, next) {
    try {
      observe(req, res, options);
    } catch (error) {
      reportInternalError('express.serving', error);
    }
    next();
  };
}

function observe<Req extends RequestLike>(
  req: Req,
  res: ServerResponse,
  options: ServingOptions<Req>,
): void {
  const recorder = getRecorder();
  if (!recorder.enabled) return;
  const marked = res as ServerResponse & { [OBSERVED]?: true };
  if (marked[OBSERVED]) return; // already observed (the middleware is on the path twice)
  marked[OBSERVED] = true;

  // From when llmeter first saw the request, when llmeterMiddleware runs in front.
  const startTime = getRequestState(req)?.startTime ?? performance.now();
  const operation = options.operation ?? operationFromPath(urlPath(req));
  const serverPort = options.serverPort ?? req.socket?.localPort;
  // A middleware that wrapped write/end before us (compression) encodes what we pass it: the
  // bytes we see are still plain even when Content-Encoding is set. Otherwise that header
  // means the bytes we see are already encoded (compression mounted after us, or the route).
  const encodedDownstream = Object.hasOwn(res, 'write') || Object.hasOwn(res, 'end');
  const observer = new ResponseObserver({
    contentType: () => headerString(res.getHeader('content-type')),
    contentEncoding: () =>
      encodedDownstream ? undefined : headerString(res.getHeader('content-encoding')),
    streamRequested: () => (req.body as { stream?: unknown } | undefined)?.stream === true,
  });
  let broken = false;
  const see = (chunk: unknown, encoding: unknown) => {
    if (broken) return;
    try {
      observer.chunk(chunk, encoding, performance.now());
    } catch (error) {
      broken = true;
      reportInternalError('express.serving.observe', error);
    }
  };

  const write = res.write;
  const end = res.end;
  res.write = function llmeterWrite(this: ServerResponse, ...args: unknown[]) {
    see(args[0], args[1]);
    return Reflect.apply(write, this, args);
  } as ServerResponse['write'];
  res.end = function llmeterEnd(this: ServerResponse, ...args: unknown[]) {
    if (typeof args[0] !== 'function') see(args[0], args[1]);
    return Reflect.apply(end, this, args);
  } as ServerResponse['end'];

  let recorded = false;
  const onEnd = () => {
    res.removeListener('finish', onEnd);
    res.removeListener('close', onEnd);
    if (recorded) return;
    recorded = true;
    try {
      const at = performance.now();
      const seen = broken ? undefined : observer.end(at);
      const status = res.statusCode;
      const errorType = !res.writableFinished
        ? ERROR_TYPE_ABORTED
        : status >= 400
          ? String(status)
          : seen?.errorType;
      getRecorder().recordServedRequest({
        operation,
        provider: options.provider ?? 'openai',
        requestModel: options.requestModel?.(req) ?? bodyModel(req),
        responseModel: seen?.responseModel,
        serverAddress: options.serverAddress,
        serverPort,
        durationS: (at - startTime) / 1000,
        timeToFirstTokenS:
          seen?.firstContentAt === undefined ? undefined : (seen.firstContentAt - startTime) / 1000,
        timePerOutputTokenS: seen ? timePerOutputToken(seen) : undefined,
        errorType,
      });
    } catch (error) {
      reportInternalError('express.serving.record', error);
    }
  };
  res.once('finish', onEnd);
  res.once('close', onEnd);
}

function operationFromPath(path: string): string {
  if (path.endsWith('/chat/completions')) return 'chat';
  if (path.endsWith('/completions')) return 'text_completion';
  if (path.endsWith('/embeddings')) return 'embeddings';
  return 'chat';
}

function bodyModel(req: RequestLike): string | undefined {
  const model = (req.body as { model?: unknown } | undefined)?.model;
  return typeof model === 'string' ? model : undefined;
}

function headerString(value: number | string | string[] | undefined): string | undefined {
  if (typeof value === 'string') return value;
  return Array.isArray(value) ? value[0] : undefined;
}
