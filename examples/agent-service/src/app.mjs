// The Express app: an agent route, direct streaming routes (OpenAI, and
// Gemini through @google/genai), a Claude route (@anthropic-ai/sdk), an
// OpenAI-compatible serving route, /metrics and /healthz.

import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { instrumentAnthropic } from '@llmeter/anthropic';
import {
  llmeterErrorHandler,
  llmeterMiddleware,
  llmeterServing,
  metricsHandler,
} from '@llmeter/express';
import { instrumentGoogleGenAI } from '@llmeter/google-genai';
import { instrumentOpenAI } from '@llmeter/openai';
import express from 'express';
import OpenAI from 'openai';
import { AGENT_NAME, createWeatherAgent } from './agent.mjs';
import { judgeRun, redactPii } from './checks.mjs';
import { forwardMockHeaders } from './upstream.mjs';

export function createApp({ llmeter, upstream, env = process.env }) {
  const log = llmeter.logger;
  const agentModel = env.AGENT_MODEL || 'gpt-4o-mini';
  const chatModel = env.CHAT_MODEL || 'gpt-4o';
  const ask = createWeatherAgent({ upstream, model: agentModel });
  const openai = instrumentOpenAI(
    new OpenAI({
      baseURL: upstream.baseURL,
      apiKey: upstream.apiKey,
      maxRetries: upstream.maxRetries,
      fetch: upstream.fetch,
    }),
  );
  const geminiModel = env.GEMINI_MODEL || 'gemini-2.5-flash';
  const gemini =
    upstream.gemini &&
    instrumentGoogleGenAI(
      new GoogleGenAI({
        apiKey: upstream.gemini.apiKey,
        httpOptions: { baseUrl: upstream.gemini.baseUrl, fetch: upstream.fetch },
      }),
    );

  // Claude through the Anthropic SDK: the mock LLM speaks its Messages API
  // too (at its root: the SDK adds /v1); otherwise ANTHROPIC_BASE_URL / ANTHROPIC_API_KEY.
  const claudeModel = env.CLAUDE_MODEL || 'claude-sonnet-4-5';
  const claude = instrumentAnthropic(
    new Anthropic({
      baseURL:
        upstream.mode === 'mock' ? upstream.baseURL.replace(/\/v1$/, '') : env.ANTHROPIC_BASE_URL,
      apiKey: upstream.mode === 'mock' ? 'mock' : env.ANTHROPIC_API_KEY || 'unused',
      maxRetries: upstream.maxRetries,
      fetch: upstream.fetch,
    }),
  );

  const app = express();
  app.disable('x-powered-by');
  // First: continue the caller's trace and make the request the parent of
  // every model, tool and agent span created while handling it. /healthz and
  // /metrics are left alone by default (no span, no agent run).
  app.use(llmeterMiddleware());
  app.use(express.json({ limit: '1mb' }));
  if (upstream.mode === 'mock') app.use(forwardMockHeaders);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', upstream: upstream.mode });
  });
  app.get('/metrics', metricsHandler());

  // The LangChain agent: {question} → {answer, tools}.
  app.post('/agent', async (req, res) => {
    const question = req.body?.question;
    if (typeof question !== 'string' || question.length === 0) {
      res.status(400).json({ error: 'body must be {"question": "..."}' });
      return;
    }
    let run;
    try {
      run = await ask(redactPii(llmeter.recorder, question), { signal: abortOnClose(res) });
    } catch (error) {
      llmeter.recorder.recordAgentOutcome({ agentName: AGENT_NAME, outcome: 'failure' });
      throw error;
    }
    judgeRun(llmeter.recorder, AGENT_NAME, run);
    const { answer, tools } = run;
    log.info({ route: '/agent', tools }, 'agent answered');
    res.json({ answer, tools });
  });

  // A direct streamed chat call, relayed to the client as server-sent events:
  // {message} → data: {"content": "..."} ... event: done. The model is the
  // service's choice, not the client's: it becomes a metric label.
  app.post('/chat/stream', async (req, res) => {
    const message = req.body?.message;
    if (typeof message !== 'string' || message.length === 0) {
      res.status(400).json({ error: 'body must be {"message": "..."}' });
      return;
    }
    const stream = await openai.chat.completions.create(
      {
        model: chatModel,
        messages: [{ role: 'user', content: message }],
        stream: true,
        stream_options: { include_usage: true },
      },
      { signal: abortOnClose(res) },
    );
    let usage;
    await relaySse(res, stream, {
      data(chunk) {
        usage = chunk.usage ?? usage;
        const content = chunk.choices[0]?.delta?.content;
        return content ? { content } : undefined;
      },
      end: () => `event: done\ndata: ${JSON.stringify({ usage })}\n\n`,
      error: (message) => `event: error\ndata: ${JSON.stringify({ error: message })}\n\n`,
    });
  });

  // The same as /chat/stream through Gemini: {message} → data: {"content": "..."} ... event: done.
  app.post('/gemini/stream', async (req, res) => {
    const message = req.body?.message;
    if (typeof message !== 'string' || message.length === 0) {
      res.status(400).json({ error: 'body must be {"message": "..."}' });
      return;
    }
    if (!gemini) {
      res.status(503).json({ error: 'Gemini is not configured (GEMINI_API_KEY)' });
      return;
    }
    const stream = await gemini.models.generateContentStream({
      model: geminiModel,
      contents: message,
      config: { abortSignal: abortOnClose(res) },
    });
    let usage;
    await relaySse(res, stream, {
      data(chunk) {
        usage = chunk.usageMetadata ?? usage;
        const content = chunk.text;
        return content ? { content } : undefined;
      },
      end: () => `event: done\ndata: ${JSON.stringify({ usage })}\n\n`,
      error: (message) => `event: error\ndata: ${JSON.stringify({ error: message })}\n\n`,
    });
  });

  // One Claude answer through the SDK's stream helper: {message} → {answer, usage}.
  app.post('/claude', async (req, res) => {
    const message = req.body?.message;
    if (typeof message !== 'string' || message.length === 0) {
      res.status(400).json({ error: 'body must be {"message": "..."}' });
      return;
    }
    const reply = await claude.messages
      .stream(
        { model: claudeModel, max_tokens: 512, messages: [{ role: 'user', content: message }] },
        { signal: abortOnClose(res) },
      )
      .finalMessage();
    const answer = reply.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    res.json({ answer, usage: reply.usage });
  });

  // This service as an OpenAI-compatible endpoint in front of its model
  // (what a gateway or a model server does): JSON or SSE, passed through.
  // llmeterServing() measures what it writes: server duration, time to first
  // token and time per output token.
  app.post('/v1/chat/completions', llmeterServing(), async (req, res) => {
    const body = req.body ?? {};
    if (typeof body.model !== 'string' || !Array.isArray(body.messages)) {
      res.status(400).json(openAIError(400, 'model and messages are required'));
      return;
    }
    const signal = abortOnClose(res);
    if (body.stream !== true) {
      res.json(await openai.chat.completions.create(body, { signal }));
      return;
    }
    const stream = await openai.chat.completions.create(body, { signal });
    await relaySse(res, stream, {
      data: (chunk) => chunk,
      end: () => 'data: [DONE]\n\n',
      error: (message) => `data: ${JSON.stringify(openAIError(502, message))}\n\n`,
    });
  });

  // Records the error on the request's span, then hands it on unchanged.
  app.use(llmeterErrorHandler());
  app.use((error, req, res, _next) => {
    const status = upstreamStatus(error);
    const message = String(error?.message ?? error);
    if (status === 500) log.error({ route: req.path, err: error }, 'request failed');
    else log.warn({ route: req.path, status, error: message }, 'upstream call failed');
    if (res.headersSent) return;
    const answer = status === 500 ? 'internal error' : message;
    if (req.path.startsWith('/v1/')) res.status(status).json(openAIError(status, answer));
    else res.status(status).json({ error: answer });
  });
  return app;
}

/**
 * Relays a model stream to the client as server-sent events. Once the headers
 * are out, a failure can only be reported in-band; it is then rethrown so that
 * Express's error path logs it and llmeter records it on the request.
 */
async function relaySse(res, stream, format) {
  res.writeHead(200, sseHeaders);
  try {
    for await (const chunk of stream) {
      const data = format.data(chunk);
      if (data !== undefined) res.write(`data: ${JSON.stringify(data)}\n\n`);
    }
    res.end(format.end());
  } catch (error) {
    if (res.destroyed) return; // the client left, and the upstream call was aborted with it
    res.end(format.error(String(error?.message ?? error)));
    throw error;
  }
}

const sseHeaders = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
};

/** Aborts the upstream call when the client goes away before the response is complete. */
function abortOnClose(res) {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

/** An upstream rate limit stays a 429 for our client; other upstream errors are a 502. */
function upstreamStatus(error) {
  const status = error?.status ?? error?.response?.status;
  if (status === 429) return 429;
  if (typeof status === 'number' && status >= 400) return 502;
  return 500;
}

function openAIError(status, message) {
  const type =
    status === 429 ? 'rate_limit_error' : status < 500 ? 'invalid_request_error' : 'api_error';
  return { error: { message, type, param: null, code: null } };
}
