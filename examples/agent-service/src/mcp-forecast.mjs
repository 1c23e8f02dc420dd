// get_forecast, served by a local MCP server: the agent's LangChain tool calls it
// through an MCP client, over the SDK's in-process linked transport, exactly as it
// would call a remote MCP server over stdio or HTTP. Both ends are instrumented, so a
// trace shows the hop: request → tools/call get_forecast (CLIENT) → tools/call
// get_forecast (SERVER), one trace, with mcp.client/server.operation.duration.
import { instrumentMCPClient, instrumentMCPServer } from '@llmeter/mcp';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { tool } from 'langchain';
import { z } from 'zod';

const SKIES = ['sunny', 'cloudy', 'light rain', 'clear'];

function forecastServer() {
  const server = new McpServer({ name: 'forecast', version: '1.0.0' });
  server.registerTool(
    'get_forecast',
    {
      description: 'Weather forecast for a city, one entry per day.',
      inputSchema: { city: z.string(), days: z.number().int().min(1).max(7).optional() },
    },
    async ({ city, days = 3 }) => {
      const forecast = Array.from({ length: days }, (_, day) => ({
        day: day + 1,
        sky: SKIES[(city.length + day) % SKIES.length],
      }));
      return { content: [{ type: 'text', text: JSON.stringify({ city, forecast }) }] };
    },
  );
  return instrumentMCPServer(server);
}

export function createForecastTool() {
  // LLMeterCallbackHandler already counts this LangChain tool as the agent's
  // execute_tool; the MCP client then records the MCP operation only.
  const client = instrumentMCPClient(new Client({ name: 'weather-agent', version: '1.0.0' }), {
    countToolCalls: false,
  });
  let connected;
  const connect = () => {
    connected ??= (async () => {
      const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
      await forecastServer().connect(serverTransport);
      await client.connect(clientTransport);
    })();
    return connected;
  };

  return tool(
    async ({ city, days }) => {
      await connect();
      const result = await client.callTool({ name: 'get_forecast', arguments: { city, days } });
      const text = result.content?.find((part) => part.type === 'text')?.text ?? '';
      if (result.isError) throw new Error(text || 'get_forecast failed');
      return text;
    },
    {
      name: 'get_forecast',
      description: 'Weather forecast for the next days in a city (from the forecast MCP server).',
      schema: z.object({
        city: z.string().describe('City name, e.g. Lisbon'),
        // Bounds are the MCP server's to check: a request for 30 days fails there, as a
        // tool_error result that the agent sees as the tool's error.
        days: z.number().int().optional().describe('Days ahead, 1 to 7'),
      }),
    },
  );
}
