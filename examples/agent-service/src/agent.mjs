// A LangChain tool-calling agent with two tools. get_time fails for a time
// zone it does not know, as real tools fail: the agent sees the error as the
// tool's result and answers anyway, and llmeter records the failed tool call.
import { ChatOpenAI } from '@langchain/openai';
import { LLMeterCallbackHandler } from '@llmeter/langchain';
import { createAgent, tool } from 'langchain';
import { z } from 'zod';
import { createForecastTool } from './mcp-forecast.mjs';

const WEATHER = {
  lisbon: { tempC: 21, sky: 'sunny' },
  paris: { tempC: 14, sky: 'cloudy' },
  tokyo: { tempC: 18, sky: 'light rain' },
};

export const getWeather = tool(
  async ({ city }) => {
    const known = WEATHER[city.toLowerCase()];
    return JSON.stringify({ city, ...(known ?? { tempC: 19, sky: 'clear' }) });
  },
  {
    name: 'get_weather',
    description: 'Current weather for a city.',
    schema: z.object({ city: z.string().describe('City name, e.g. Lisbon') }),
  },
);

export const getTime = tool(
  async ({ timezone }) => {
    // Throws RangeError for an unknown IANA time zone.
    const time = new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      timeStyle: 'short',
    }).format(new Date());
    return JSON.stringify({ timezone, time });
  },
  {
    name: 'get_time',
    description: 'Current local time in an IANA time zone.',
    schema: z.object({ timezone: z.string().describe('IANA time zone, e.g. Europe/Lisbon') }),
  },
);

export const AGENT_NAME = 'weather-agent';

export function createWeatherAgent({ upstream, model }) {
  const chatModel = new ChatOpenAI({
    model,
    temperature: 0,
    maxRetries: upstream.maxRetries,
    apiKey: upstream.apiKey,
    configuration: { baseURL: upstream.baseURL, fetch: upstream.fetch },
  });
  const agent = createAgent({
    name: AGENT_NAME,
    model: chatModel,
    tools: [getWeather, getTime, createForecastTool()],
    systemPrompt: 'You answer questions about the weather and the time. Use the tools.',
  });
  // One handler for the whole process, passed per invocation so that the
  // agent, its model calls and its tool calls are all seen (or call
  // attachLLMeterGlobally() once at startup instead). The agent is recognised
  // as such (invoke_agent, named after createAgent's `name`); the chains it
  // runs (model_request, tools, ...) get no span by default, so a trace reads
  // request → invoke_agent → chat / execute_tool.
  const callbacks = [new LLMeterCallbackHandler()];

  return async function ask(question, { signal } = {}) {
    const result = await agent.invoke(
      { messages: [{ role: 'user', content: question }] },
      { callbacks, signal },
    );
    const tools = result.messages
      .filter((m) => m.type === 'tool')
      .map((m) => ({ name: m.name, ok: m.status !== 'error' }));
    const answer = result.messages.at(-1)?.content;
    return { answer: typeof answer === 'string' ? answer : JSON.stringify(answer), tools };
  };
}
