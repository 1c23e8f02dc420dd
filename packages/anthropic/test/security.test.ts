import { ATTR } from '@llmeter/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY, type Harness, harness, onlySpan, SDKS, waitForSpans } from './helpers';

const KEY = 'sk-ant-api03-SECRETSECRETSECRET';

let h: Harness;
beforeAll(async () => {
  h = await harness({
    internalLogLevel: 'silent',
    captureContent: true,
    redact: (message) => ({
      ...message,
      parts: message.parts.map(() => ({ type: 'text', content: '[redacted]' })),
    }),
  });
});
afterAll(async () => {
  await h.close();
});

/** Everything llmeter recorded, as one string. */
async function everything(): Promise<string> {
  await waitForSpans(h.t, 1);
  const text = await h.t.metricsText();
  const { spans, logLines } = await h.drain();
  return JSON.stringify({
    spans: spans.map((s) => ({ a: s.attributes, e: s.events, st: s.status })),
    logLines,
    text,
  });
}

describe.each(SDKS)('secrets on $name', (sdk) => {
  it('keeps the API key out of spans, logs and metrics, also when an error echoes it', async () => {
    const client = h.client(sdk, {}, { apiKey: KEY });
    h.mock.setBehavior({
      reply: {
        status: 401,
        body: JSON.stringify({
          type: 'error',
          error: { type: 'authentication_error', message: `invalid x-api-key ${KEY}` },
        }),
      },
    });
    try {
      await expect(client.messages.create(BODY)).rejects.toBeInstanceOf(
        sdk.Anthropic.AuthenticationError,
      );
    } finally {
      h.mock.setBehavior({ reply: undefined });
    }
    // It was sent, as it must be (x-api-key on 0.x, authorization on 1.x).
    expect(JSON.stringify(h.mock.requests.at(-1)?.headers)).toContain(KEY);
    expect(await everything()).not.toContain('SECRETSECRET');
  });

  it('runs the redaction hook before anything is recorded', async () => {
    const client = h.client(sdk);
    await client.messages.create({ ...BODY, system: 'my system secret' });
    const span = onlySpan((await h.drain()).spans);
    const recorded = JSON.stringify(span.attributes);
    expect(recorded).not.toContain('Say hello.');
    expect(recorded).not.toContain('mock LLM');
    expect(String(span.attributes[ATTR.OUTPUT_MESSAGES])).toContain('[redacted]');
  });
});
