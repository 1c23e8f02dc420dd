// The demo's burst of requests, shared by the demo and by the test that has
// a real Prometheus scrape the service under this traffic
// (test/deploy/dashboards.test.ts): agent runs with tool calls, a failing
// tool, the MCP tool get_forecast (once failing on the MCP server) and a question with an
// e-mail address for the PII guardrail; streamed chat (OpenAI and Gemini); one upstream 429;
// the OpenAI-compatible serving route, JSON and SSE; Claude through the Anthropic SDK.
// The mock LLM calls the tools a question names; x-mock-* headers are
// forwarded to it by the service in mock mode (see agent-service/src/upstream.mjs).

const json = { 'content-type': 'application/json' };
const toolArgs = (args) => ({ 'x-mock-tool-arguments': JSON.stringify(args) });
const agent = (question, headers = {}) => ({ path: '/agent', body: { question }, headers });
const stream = (message, headers = {}) => ({ path: '/chat/stream', body: { message }, headers });
const claude = (message) => ({ path: '/claude', body: { message } });
const gemini = (message) => ({ path: '/gemini/stream', body: { message } });
const served = (stream) => ({
  path: '/v1/chat/completions',
  body: {
    model: 'gpt-4.1-mini',
    stream,
    ...(stream && { stream_options: { include_usage: true } }),
    messages: [{ role: 'user', content: 'Summarize the forecast for Lisbon.' }],
  },
});

const cities = ['Lisbon', 'Paris', 'Tokyo', 'Lisbon', 'Paris', 'Tokyo'];
const zones = ['Europe/Lisbon', 'Europe/Paris', 'Asia/Tokyo'];

/**
 * The burst, interleaved as real traffic would be (a fixed shuffle).
 * `traceparent` is sent with the agent run that calls both tools, so that
 * its trace can be found afterwards.
 */
export function demoPlan({ traceparent } = {}) {
  const plan = [
    ...cities.map((city) =>
      agent(`What is the weather in ${city}? (get_weather)`, toolArgs({ city })),
    ),
    ...zones.map((timezone) =>
      agent(`What time is it in ${timezone}? (get_time)`, toolArgs({ timezone })),
    ),
    agent('What time is it on Mars? (get_time)', toolArgs({ timezone: 'Mars/Olympus_Mons' })),
    agent('What is the forecast for Tokyo? (get_forecast)', toolArgs({ city: 'Tokyo', days: 2 })),
    agent(
      'What is the weather in Lisbon, its 30-day forecast, and the time on Mars? (get_weather, get_forecast, get_time)',
      {
        ...toolArgs({ city: 'Lisbon', timezone: 'Mars/Olympus_Mons', days: 30 }),
        ...(traceparent && { traceparent }),
      },
    ),
    agent('Hello! Who are you? Write back to ada@example.com.'),
    ...Array.from({ length: 8 }, (_, i) => stream(`Tell me a short story, part ${i + 1}.`)),
    { ...stream('This one hits the rate limit.', { 'x-mock-error-status': '429' }), expect: 429 },
    ...Array.from({ length: 4 }, (_, i) => gemini(`Tell me a short poem, part ${i + 1}.`)),
    ...Array.from({ length: 7 }, (_, i) => served(i % 2 === 0)),
    ...Array.from({ length: 3 }, (_, i) => claude(`Name a Lisbon landmark, take ${i + 1}.`)),
  ];
  const shuffled = plan.map((step, i) => [(i * 7919) % plan.length, step]);
  shuffled.sort((a, b) => a[0] - b[0]);
  return shuffled.map(([, step]) => step);
}

/**
 * Sends the steps to the service, three at a time, each response read to
 * the end (SSE included). Resolves to the answers that were not the status
 * a step expects (200 unless it says otherwise).
 */
export async function sendPlan(baseUrl, steps, { onProgress = () => {}, timeoutMs = 30_000 } = {}) {
  const queue = [...steps];
  const surprises = [];
  let done = 0;
  async function send(step) {
    const response = await fetch(`${baseUrl}${step.path}`, {
      method: 'POST',
      headers: { ...json, ...step.headers },
      body: JSON.stringify(step.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer();
    if (response.status !== (step.expect ?? 200))
      surprises.push(`${step.path} answered ${response.status}`);
    onProgress(++done, steps.length);
  }
  await Promise.all(
    Array.from({ length: 3 }, async () => {
      while (queue.length > 0) await send(queue.shift());
    }),
  );
  return surprises;
}
