import type { LLMOperation } from '@llmeter/core';
import { getRecorder } from '@llmeter/core/internal';

/**
 * Stands in for `@llmeter/openai` under ChatOpenAI: a `fetch` given to the
 * OpenAI client that starts a core operation the way an SDK adapter does (no
 * parent context: the active one), reports chunks as SSE frames arrive, and
 * ends with the usage the server reported.
 */
export function instrumentedFetch(port: number): { fetch: typeof fetch; ops: LLMOperation[] } {
  const ops: LLMOperation[] = [];
  const wrapped = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const body = JSON.parse(typeof init?.body === 'string' ? init.body : '{}');
    const op = getRecorder().startOperation({
      provider: 'openai',
      requestModel: body.model,
      serverAddress: '127.0.0.1',
      serverPort: port,
      request: { stream: body.stream === true },
    });
    ops.push(op);
    let response: Response;
    try {
      response = await fetch(input, init);
    } catch (error) {
      op.fail(error);
      throw error;
    }
    if (!response.ok) {
      op.fail(new Error(`HTTP ${response.status}`), { errorType: String(response.status) });
      return response;
    }
    if (body.stream !== true) {
      const json = (await response.clone().json()) as {
        model?: string;
        id?: string;
        usage?: { prompt_tokens?: number; completion_tokens?: number };
      };
      op.end({
        responseModel: json.model,
        responseId: json.id,
        usage: {
          inputTokens: json.usage?.prompt_tokens,
          outputTokens: json.usage?.completion_tokens,
        },
      });
      return response;
    }
    const [mine, theirs] = (response.body as ReadableStream<Uint8Array>).tee();
    void watchStream(mine, op);
    return new Response(theirs, { status: response.status, headers: response.headers });
  };
  return { fetch: wrapped as typeof fetch, ops };
}

async function watchStream(stream: ReadableStream<Uint8Array>, op: LLMOperation): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = '';
  let model: string | undefined;
  let usage: { prompt_tokens?: number; completion_tokens?: number } | undefined;
  try {
    for await (const bytes of stream as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(bytes, { stream: true });
      let cut = buffered.indexOf('\n\n');
      while (cut >= 0) {
        const frame = buffered.slice(0, cut).replace(/^data: /, '');
        buffered = buffered.slice(cut + 2);
        cut = buffered.indexOf('\n\n');
        if (frame === '[DONE]' || frame === '') continue;
        const chunk = JSON.parse(frame);
        model = chunk.model ?? model;
        if (chunk.usage) usage = chunk.usage;
        if (chunk.choices?.length) op.chunk();
      }
    }
    op.end({
      responseModel: model,
      usage: usage && { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens },
    });
  } catch (error) {
    op.fail(error);
  }
}
