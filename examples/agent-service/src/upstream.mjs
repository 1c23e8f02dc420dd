// Where the model calls go:
//   OPENAI_BASE_URL set  → that OpenAI-compatible server (vLLM, a gateway, ...)
//   OPENAI_API_KEY set   → the real OpenAI API
//   neither              → the mock LLM from @llmeter/testing, started in this process
// Gemini calls (the /gemini/stream route) go to the real Gemini API when
// GEMINI_API_KEY is set (GEMINI_BASE_URL for another endpoint), to the mock's
// Gemini API in mock mode, and nowhere otherwise (the route answers 503).
//
// In mock mode the `x-mock-*` headers of an incoming request (see the
// @llmeter/testing README: x-mock-error-status, x-mock-tool-arguments, ...)
// are forwarded to the mock on every model call the request makes, so a demo
// or a test can inject an upstream 429 or a slow first token per request.
// They are never forwarded to a real upstream.
import { AsyncLocalStorage } from 'node:async_hooks';

const forwarded = new AsyncLocalStorage();

export async function connectUpstream(env = process.env) {
  if (env.OPENAI_BASE_URL || env.OPENAI_API_KEY) {
    return {
      mode: env.OPENAI_BASE_URL ? 'openai-compatible' : 'openai',
      baseURL: env.OPENAI_BASE_URL || 'https://api.openai.com/v1',
      apiKey: env.OPENAI_API_KEY || 'unused',
      maxRetries: 2,
      fetch: undefined,
      gemini: env.GEMINI_API_KEY
        ? { apiKey: env.GEMINI_API_KEY, baseUrl: env.GEMINI_BASE_URL || undefined }
        : undefined,
      close: async () => {},
    };
  }
  // Loaded only in mock mode: a real deployment never imports the test double.
  const { startMockLLM } = await import('@llmeter/testing');
  const mock = await startMockLLM({
    // A model that takes a moment to start answering, then streams steadily.
    firstChunkDelayMs: Number(env.MOCK_FIRST_CHUNK_DELAY_MS ?? 40),
    chunkDelayMs: Number(env.MOCK_CHUNK_DELAY_MS ?? 6),
    chunks: 12,
    // The service never reads what the mock received: keep only a few.
    keepRequests: 100,
  });
  return {
    mode: 'mock',
    baseURL: mock.url,
    apiKey: 'mock',
    // Fail fast: a retried 429 would only hide the error the demo wants to show.
    maxRetries: 0,
    fetch: forwardingFetch,
    // The same mock serves the Gemini API at its origin (/v1/models/{model}:streamGenerateContent).
    gemini: { apiKey: 'mock', baseUrl: new URL(mock.url).origin },
    close: () => mock.close(),
  };
}

/** Express middleware: remembers the request's x-mock-* headers for the model calls it makes. */
export function forwardMockHeaders(req, _res, next) {
  const headers = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith('x-mock-') && typeof value === 'string') headers[name] = value;
  }
  if (Object.keys(headers).length === 0) next();
  else forwarded.run(headers, next);
}

function forwardingFetch(url, init = {}) {
  const extra = forwarded.getStore();
  if (!extra) return fetch(url, init);
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return fetch(url, { ...init, headers });
}
