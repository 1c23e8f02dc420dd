import { ATTR, METRIC } from '@llmeter/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, harness, SDKS, waitForSpans } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h.close();
});

/** The mock calls a tool the last user message names, then answers the tool's result with text. */
const MESSAGES = [{ role: 'user', content: 'What is the weather? Use the get_weather tool.' }];

describe.each(SDKS)('chat.completions.runTools() on $name', (sdk) => {
  it.each([false, true])(
    'measures each request of the tool loop once, through create (stream: %s)',
    async (stream) => {
      const client = h.client(sdk);
      const calledWith: unknown[] = [];
      const runner = client.chat.completions.runTools({
        model: 'gpt-4o-mini',
        messages: MESSAGES,
        stream,
        tools: [
          {
            type: 'function',
            function: {
              name: 'get_weather',
              description: 'Weather in a city',
              parameters: {
                type: 'object',
                properties: { city: { type: 'string' } },
                required: ['city'],
              },
              parse: JSON.parse,
              function: (args: unknown) => {
                calledWith.push(args);
                return { forecast: 'sunny' };
              },
            },
          },
        ],
      });
      // The runner's own result is untouched: the tool ran, and the loop ended in text.
      expect(await runner.finalContent()).toBeTruthy();
      expect(calledWith).toEqual([{ city: 'mock' }]);

      await waitForSpans(h.t, 2);
      const { spans, metrics } = await h.drain();
      expect(
        spans.map((s) => [
          s.name,
          s.attributes[ATTR.REQUEST_STREAM],
          s.attributes[ATTR.RESPONSE_FINISH_REASONS],
        ]),
      ).toEqual([
        ['chat gpt-4o-mini', stream, ['tool_calls']],
        ['chat gpt-4o-mini', stream, ['stop']],
      ]);
      expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(2);
      expect(metrics.count(METRIC.CLIENT_TIME_TO_FIRST_CHUNK)).toBe(stream ? 2 : 0);
    },
  );
});
