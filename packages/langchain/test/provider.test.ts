import { describe, expect, it } from 'vitest';
import { detectTarget } from '../src/provider';
import { resultOf } from '../src/surfaces/llm-result';

/** What LangChain passes to handleChatModelStart, per integration (class id, kwargs, ls_* metadata). */
const serialized = (cls: string, kwargs: Record<string, unknown> = {}) => ({
  lc: 1,
  type: 'constructor',
  id: ['langchain', 'chat_models', cls.toLowerCase(), cls],
  kwargs,
});
const detect = (
  cls: string,
  kwargs: Record<string, unknown>,
  metadata: Record<string, unknown>,
  invocation: Record<string, unknown> = {},
  configured?: string,
) =>
  detectTarget(
    serialized(cls, kwargs),
    { invocation_params: invocation },
    metadata,
    configured,
    undefined,
  );

describe('provider, model and server detection', () => {
  it.each([
    [
      'ChatOpenAI',
      {},
      { ls_provider: 'openai', ls_model_name: 'gpt-4o' },
      'openai',
      'api.openai.com',
      443,
    ],
    [
      'AzureChatOpenAI',
      { azure_open_ai_api_instance_name: 'contoso' },
      { ls_provider: 'azure', ls_model_name: 'gpt-4o-deploy' },
      'azure.ai.openai',
      'contoso.openai.azure.com',
      443,
    ],
    [
      'ChatAnthropic',
      {},
      { ls_provider: 'anthropic', ls_model_name: 'claude-sonnet-4-5' },
      'anthropic',
      'api.anthropic.com',
      443,
    ],
    [
      'ChatGoogleGenerativeAI',
      {},
      { ls_provider: 'google_genai', ls_model_name: 'gemini-2.5-flash' },
      'gcp.gemini',
      'generativelanguage.googleapis.com',
      443,
    ],
    [
      'ChatVertexAI',
      {},
      { ls_provider: 'google_vertexai', ls_model_name: 'gemini-2.5-pro' },
      'gcp.vertex_ai',
      undefined,
      undefined,
    ],
    [
      'ChatMistralAI',
      {},
      { ls_provider: 'mistral', ls_model_name: 'mistral-small-latest' },
      'mistral_ai',
      'api.mistral.ai',
      443,
    ],
    [
      'ChatOllama',
      { base_url: 'http://gpu-box:11434' },
      { ls_provider: 'ollama', ls_model_name: 'llama3.1' },
      'ollama',
      'gpu-box',
      11434,
    ],
  ] as const)('%s', (cls, kwargs, metadata, provider, address, port) => {
    const target = detect(cls, kwargs, metadata);
    expect(target.provider).toBe(provider);
    expect(target.requestModel).toBe(metadata.ls_model_name);
    expect(target.serverAddress).toBe(address);
    expect(target.serverPort).toBe(port);
  });

  it('falls back to the class name when no ls_provider is given', () => {
    expect(detect('ChatAnthropic', { model: 'claude-3-haiku' }, {}).provider).toBe('anthropic');
    expect(detect('ChatAnthropic', { model: 'claude-3-haiku' }, {}).requestModel).toBe(
      'claude-3-haiku',
    );
  });

  it('OpenAI-compatible base URLs: known hosts are their provider, others the configured one (default openai)', () => {
    const compat = (baseURL: string, configured?: string) =>
      detect(
        'ChatOpenAI',
        { configuration: { baseURL } },
        { ls_provider: 'openai' },
        {},
        configured,
      );
    expect(compat('https://api.groq.com/openai/v1')).toMatchObject({
      provider: 'groq',
      serverAddress: 'api.groq.com',
      serverPort: 443,
    });
    expect(compat('https://api.deepseek.com/v1').provider).toBe('deepseek');
    expect(compat('https://generativelanguage.googleapis.com/v1beta/openai/').provider).toBe(
      'gcp.gemini',
    );
    expect(compat('http://localhost:11434/v1').provider).toBe('ollama');
    expect(compat('http://vllm.models.svc:8000/v1')).toMatchObject({
      provider: 'openai',
      serverAddress: 'vllm.models.svc',
      serverPort: 8000,
    });
    expect(compat('http://vllm.models.svc:8000/v1', 'vllm').provider).toBe('vllm');
  });

  it('OPENAI_BASE_URL counts for ChatOpenAI when no base URL is configured', () => {
    const target = detectTarget(
      serialized('ChatOpenAI'),
      {},
      { ls_provider: 'openai' },
      undefined,
      'http://10.0.0.5:8080/v1',
    );
    expect(target).toMatchObject({ serverAddress: '10.0.0.5', serverPort: 8080 });
  });

  it('request parameters in the shapes the integrations use', () => {
    expect(
      detect(
        'ChatOpenAI',
        {},
        {},
        {
          model: 'gpt-4o',
          temperature: 0.5,
          max_completion_tokens: 100,
          top_p: 0.9,
          frequency_penalty: 0.1,
          presence_penalty: 0.2,
          stop: ['END'],
          seed: 7,
          n: 2,
          stream: true,
        },
      ).request,
    ).toEqual({
      temperature: 0.5,
      maxTokens: 100,
      topP: 0.9,
      frequencyPenalty: 0.1,
      presencePenalty: 0.2,
      stopSequences: ['END'],
      seed: 7,
      choiceCount: 2,
      stream: true,
    });
    expect(
      detect(
        'ChatOllama',
        {},
        {},
        { model: 'llama3', options: { temperature: 0.3, num_predict: 50, stop: ['x'] } },
      ).request,
    ).toEqual({ temperature: 0.3, maxTokens: 50, stopSequences: ['x'] });
    expect(
      detect('ChatAnthropic', {}, {}, { max_tokens: 1024, stop_sequences: ['\n'], stream: false })
        .request,
    ).toEqual({
      maxTokens: 1024,
      stopSequences: ['\n'],
    });
  });
});

describe('results', () => {
  const generation = (message: Record<string, unknown>, info: Record<string, unknown> = {}) => ({
    generations: [[{ text: '', message, generationInfo: info }]],
  });
  const opts = { estimatedUsage: false, capture: false, chat: true };

  it('usage_metadata: input includes cache reads and writes; reasoning kept apart', () => {
    const r = resultOf(
      generation({
        id: 'msg_01',
        content: 'hi',
        usage_metadata: {
          input_tokens: 1200,
          output_tokens: 300,
          total_tokens: 1500,
          input_token_details: { cache_read: 1000, cache_creation: 100 },
          output_token_details: { reasoning: 120 },
        },
        response_metadata: { model: 'claude-sonnet-4-5-20250929', stop_reason: 'end_turn' },
      }),
      opts,
    );
    expect(r).toEqual({
      responseModel: 'claude-sonnet-4-5-20250929',
      responseId: 'msg_01',
      finishReasons: ['end_turn'],
      usage: {
        inputTokens: 1200,
        outputTokens: 300,
        cacheReadInputTokens: 1000,
        cacheCreationInputTokens: 100,
        reasoningOutputTokens: 120,
      },
    });
  });

  it('llmOutput.tokenUsage when messages carry none; the run-id message ids LangChain invents are not response ids', () => {
    const r = resultOf(
      {
        generations: [[{ text: 'x', message: { id: 'run-123', content: 'x' } }]],
        llmOutput: { tokenUsage: { promptTokens: 5, completionTokens: 2 } },
      },
      opts,
    );
    expect(r.usage).toEqual({ inputTokens: 5, outputTokens: 2 });
    expect(r.responseId).toBeUndefined();
  });

  it("LangChain's tokenizer estimate is used only when asked for, and marked", () => {
    const output = {
      generations: [[{ text: 'x' }]],
      llmOutput: { estimatedTokenUsage: { promptTokens: 9, completionTokens: 3 } },
    };
    expect(resultOf(output, opts).usage).toBeUndefined();
    expect(resultOf(output, { ...opts, estimatedUsage: true }).usage).toEqual({
      inputTokens: 9,
      outputTokens: 3,
      estimated: true,
    });
  });

  it('finish reasons of Google, Ollama and OpenAI generations', () => {
    expect(
      resultOf(generation({ content: '', response_metadata: { finishReason: 'STOP' } }), opts)
        .finishReasons,
    ).toEqual(['STOP']);
    expect(
      resultOf(generation({ content: '', response_metadata: { done_reason: 'stop' } }), opts)
        .finishReasons,
    ).toEqual(['stop']);
    expect(
      resultOf(generation({ content: '' }, { finish_reason: 'length' }), opts).finishReasons,
    ).toEqual(['length']);
  });

  it('output messages with tool calls in the semconv shape (content capture)', () => {
    const r = resultOf(
      generation(
        {
          content: '',
          tool_calls: [{ id: 'call_1', name: 'get_weather', args: { city: 'Paris' } }],
          _getType: () => 'ai',
        },
        { finish_reason: 'tool_calls' },
      ),
      { ...opts, capture: true },
    );
    expect(r.outputMessages).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
        ],
        finish_reason: 'tool_calls',
      },
    ]);
  });
});
