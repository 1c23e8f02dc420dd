// llmeter's own cost per call and per chunk, without a network: the openai
// client answers from a canned in-memory fetch, so the SDK's and llmeter's
// CPU are all that is measured, and plain and instrumented calls can be
// interleaved in one process (which cancels most machine noise).
// `node micro.cjs [openai|openai6]`; LOG_LINE=1 adds the llm_call_completed line.
'use strict';

const { VARIANTS } = require('./variants.cjs');

const pkg = process.argv[2] || 'openai';
const { OpenAI } = require(pkg);
const llmeter = VARIANTS[process.env.LOG_LINE === '1' ? 'llmeter+log' : 'llmeter'](pkg);
const { getRecorder } = require('@llmeter/core/internal');

const COMPLETION = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'Hello there.' }, finish_reason: 'stop' },
  ],
  usage: { prompt_tokens: 11, completion_tokens: 8, total_tokens: 19 },
});
const chunk = (delta, finish = null) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
function sse(chunks) {
  let body = chunk({ role: 'assistant', content: '' });
  for (let i = 0; i < chunks; i++) body += chunk({ content: ' tok' });
  return `${body}${chunk({}, 'stop')}data: [DONE]\n\n`;
}
const SSE = { 32: sse(32), 256: sse(256) };

async function fakeFetch(_url, init) {
  const body = JSON.parse(init.body);
  if (body.stream) {
    const n = Number(new Headers(init.headers).get('x-chunks'));
    return new Response(SSE[n], { headers: { 'content-type': 'text/event-stream' } });
  }
  return new Response(COMPLETION, { headers: { 'content-type': 'application/json' } });
}

const options = { apiKey: 'x', baseURL: 'http://127.0.0.1:1/v1', maxRetries: 0, fetch: fakeFetch };
const plain = new OpenAI(options);
const { instrumentOpenAI } = require('@llmeter/openai');
const instrumented = instrumentOpenAI(new OpenAI(options));
const BODY = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say something short.' }],
};

const call = (client) => client.chat.completions.create(BODY);
const stream = (n) => async (client) => {
  const s = await client.chat.completions.create(
    { ...BODY, stream: true },
    { headers: { 'x-chunks': String(n) } },
  );
  for await (const _ of s);
};
/** The recorder alone, fed what the adapter feeds it for one call. */
const recorderOnly = async () => {
  const op = getRecorder().startOperation({
    operation: 'chat',
    provider: 'openai',
    requestModel: 'gpt-4o-mini',
    serverAddress: '127.0.0.1',
    serverPort: 1,
    request: { stream: false },
  });
  op.end({
    responseModel: 'gpt-4o-mini-2024-07-18',
    responseId: 'chatcmpl-1',
    finishReasons: ['stop'],
    usage: { inputTokens: 11, outputTokens: 8 },
  });
};

async function block(fn, client, n) {
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await fn(client);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / n;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function ab(name, fn, n, rounds = 16) {
  await block(fn, plain, n);
  await block(fn, instrumented, n);
  const deltas = [];
  const base = [];
  // ABBA: the block that runs second in a pair runs measurably slower (about +1.5 µs
  // per streamed chunk between two identical plain clients), so the order alternates.
  for (let r = 0; r < rounds; r++) {
    const first = r % 2 === 0 ? plain : instrumented;
    const x = await block(fn, first, n);
    const y = await block(fn, first === plain ? instrumented : plain, n);
    const [a, b] = first === plain ? [x, y] : [y, x];
    base.push(a);
    deltas.push(b - a);
  }
  return { name, plainUs: median(base), overheadUs: median(deltas) };
}

(async () => {
  const results = [];
  results.push(await ab('non-streaming call', call, 2000));
  const s32 = await ab('stream of 32 chunks', stream(32), 300);
  const s256 = await ab('stream of 256 chunks', stream(256), 60);
  results.push(s32, s256);
  results.push({
    name: 'per chunk (slope 32→256)',
    plainUs: (s256.plainUs - s32.plainUs) / 224,
    overheadUs: (s256.overheadUs - s32.overheadUs) / 224,
  });
  const rec = [];
  for (let r = 0; r < 15; r++) rec.push(await block(recorderOnly, null, 5000));
  results.push({
    name: 'recorder alone (startOperation + end)',
    plainUs: 0,
    overheadUs: median(rec),
  });
  for (const r of results) {
    console.error(
      `${r.name.padEnd(40)} plain ${r.plainUs.toFixed(2).padStart(9)} µs   llmeter overhead ${r.overheadUs.toFixed(2).padStart(8)} µs`,
    );
  }
  await llmeter.shutdown();
})();
