import { generateContent } from './gemini.js';
import { batchEmbedContents, embedContent } from './gemini-embed.js';
import { sendGeminiError } from './gemini-respond.js';
import type { RequestContext } from './respond.js';

/** A Gemini route handler: the route's own error body shape rides along for injected errors. */
export type GeminiHandler = ((ctx: RequestContext) => Promise<void>) & {
  sendError: (ctx: RequestContext, status: number, message?: string) => void;
};

/**
 * `POST /{version}/models/{model}:{method}` as the Gemini API serves it
 * (`v1beta`, `v1`, ...), and Vertex AI's
 * `/{version}/projects/{p}/locations/{l}/publishers/google/models/{model}:{method}`
 * (and, in express mode, `/{version}/publishers/google/models/{model}:{method}`).
 */
const GEMINI_PATH =
  /^\/v1(?:alpha|beta\d*)?\/(?:projects\/[^/]+\/locations\/[^/]+\/)?(?:publishers\/[^/]+\/)?models\/([^/:]+):([A-Za-z]+)$/;

function handler(run: (ctx: RequestContext) => Promise<void>): GeminiHandler {
  return Object.assign(run, { sendError: sendGeminiError });
}

/** The handler of a Gemini API path, or undefined when the path is not one. */
export function geminiRoute(method: string | undefined, path: string): GeminiHandler | undefined {
  if (method !== 'POST') return undefined;
  const match = GEMINI_PATH.exec(path);
  if (!match) return undefined;
  const model = decodeURIComponent(match[1] ?? '');
  switch (match[2]) {
    case 'generateContent':
      return handler((ctx) => generateContent(ctx, model, false));
    case 'streamGenerateContent':
      return handler((ctx) => generateContent(ctx, model, true));
    case 'embedContent':
      return handler((ctx) => embedContent(ctx, model));
    case 'batchEmbedContents':
      return handler((ctx) => batchEmbedContents(ctx, model));
    default:
      return undefined;
  }
}
