import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, urlHost } from '../shared/http-server.js';
import type { MockLLM, MockLLMBehavior, MockLLMOptions, MockLLMRequest } from '../types.js';
import { ANTHROPIC_ROUTES } from './anthropic.js';
import { behaviorFor, defaultBehavior } from './behavior.js';
import { chatCompletions } from './chat.js';
import { completions } from './completions.js';
import { embeddings, models } from './embeddings.js';
import { geminiRoute } from './gemini-route.js';
import { type RequestContext, sendError, wait } from './respond.js';
import { responses } from './responses.js';
import { IdSource, type Json } from './tokens.js';

/** A route; one whose API has its own error body shape (Gemini) brings its own `sendError`. */
type Handler = ((ctx: RequestContext) => Promise<void>) & { sendError?: typeof sendError };

const ROUTES: Record<string, Handler> = {
  'POST /v1/chat/completions': chatCompletions,
  'POST /v1/completions': completions,
  'POST /v1/embeddings': embeddings,
  'POST /v1/responses': responses,
  'GET /v1/models': models,
  ...ANTHROPIC_ROUTES,
};

/**
 * Applies knobs; a knob given as `undefined` returns to its default, so
 * `setBehavior({ errorStatus: undefined })` clears an injected error.
 */
function withKnobs(base: MockLLMBehavior, partial: Partial<MockLLMBehavior>): MockLLMBehavior {
  const defaults = defaultBehavior() as unknown as Record<string, unknown>;
  const next = { ...base } as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(partial)) {
    if (key in defaults) next[key] = value === undefined ? defaults[key] : value;
  }
  return next as unknown as MockLLMBehavior;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

const isAbort = (error: unknown): boolean => error instanceof Error && error.name === 'AbortError';

/**
 * Starts a mock OpenAI-compatible server on node:http: chat completions
 * (JSON and SSE, tool calls), legacy completions, embeddings, the Responses
 * API and the model list, with deterministic replies and usage, and knobs for
 * latency, errors, stalls and broken streams.
 */
export async function startMockLLM(options: MockLLMOptions = {}): Promise<MockLLM> {
  const { port: wantedPort, host: wantedHost, ref, keepRequests = 10_000, ...knobs } = options;
  const initial = withKnobs(defaultBehavior(), knobs);
  let behavior = initial;
  const requests: MockLLMRequest[] = [];
  const ids = new IdSource();
  const closing = new AbortController();

  /** The injected error for this request: its header wins, else the global knob while errorTimes lasts. */
  function errorStatusFor(req: IncomingMessage, effective: MockLLMBehavior): number | undefined {
    if (req.headers['x-mock-error-status'] !== undefined) return effective.errorStatus;
    if (behavior.errorStatus === undefined) return undefined;
    if (behavior.errorTimes === undefined) return behavior.errorStatus;
    if (behavior.errorTimes <= 0) return undefined;
    behavior = { ...behavior, errorTimes: behavior.errorTimes - 1 };
    return behavior.errorStatus;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const body = parseBody(await readBody(req));
    requests.push({
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      body,
      receivedAt: Date.now(),
    });
    if (requests.length > keepRequests) requests.shift();

    const effective = behaviorFor(behavior, req.headers);
    const requestGone = new AbortController();
    res.on('close', () => requestGone.abort());
    const ctx: RequestContext = {
      res,
      body: body !== null && typeof body === 'object' ? (body as Json) : {},
      behavior: effective,
      signal: AbortSignal.any([requestGone.signal, closing.signal]),
      nextId: (prefix) => ids.next(prefix),
      requestId: ids.next('req_'),
    };
    const route = ROUTES[`${req.method} ${path}`] ?? geminiRoute(req.method, path);
    if (!route) {
      sendError(ctx, 404, `Invalid URL (${req.method} ${path})`);
      return;
    }
    if (effective.hang) return; // never answered: the client's timeout or close() ends it
    if (effective.reply) {
      const { status = 200, contentType = 'application/json', body: raw } = effective.reply;
      res.writeHead(status, { 'content-type': contentType }).end(raw);
      return;
    }
    const errorStatus = errorStatusFor(req, effective);
    if (errorStatus !== undefined) {
      await wait(effective.firstChunkDelayMs, ctx.signal);
      (route.sendError ?? sendError)(ctx, errorStatus);
      return;
    }
    if (req.method === 'POST' && (body === null || typeof body !== 'object')) {
      (route.sendError ?? sendError)(ctx, 400, 'We could not parse the JSON body of your request.');
      return;
    }
    await route(ctx);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (isAbort(error)) return;
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { message: String(error), type: 'server_error', param: null, code: null },
        }),
      );
    });
  });
  const { port, host, close } = await listen(server, { port: wantedPort, host: wantedHost, ref });

  return {
    url: `http://${urlHost(host)}:${port}/v1`,
    port,
    requests,
    get behavior() {
      return behavior;
    },
    setBehavior(partial) {
      behavior = withKnobs(behavior, partial);
    },
    reset() {
      requests.length = 0;
      behavior = initial;
    },
    async close() {
      closing.abort();
      await close();
    },
  };
}
