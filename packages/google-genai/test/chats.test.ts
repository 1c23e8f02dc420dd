import { ATTR, METRIC } from '@llmeter/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, FLASH, type Harness, harness, waitForSpans } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness({ captureContent: true });
});
afterAll(async () => {
  await h.close();
});

describe('chats over an instrumented client', () => {
  it('records one span per sendMessage, with the history as input messages', async () => {
    const chat = h.client().chats.create({ model: FLASH, config: { temperature: 0.5 } });
    const first = await chat.sendMessage({ message: 'Hello there.' });
    await chat.sendMessage({ message: 'And again.' });
    expect(first.text).toContain('mock');
    expect(chat.getHistory()).toHaveLength(4);
    const { spans, metrics } = await h.drain();
    expect(spans).toHaveLength(2);
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(2);
    const second = JSON.parse(String(spans[1]!.attributes[ATTR.INPUT_MESSAGES]));
    expect(second.map((m: any) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(spans[1]!.attributes[ATTR.REQUEST_TEMPERATURE]).toBe(0.5);
  });

  it('records one streamed span per sendMessageStream, and the chat keeps its history', async () => {
    const plain = h.raw().chats.create({ model: FLASH });
    await collect(await plain.sendMessageStream({ message: 'Stream it.' }));
    const chat = h.client().chats.create({ model: FLASH });
    const chunks = await collect(await chat.sendMessageStream({ message: 'Stream it.' }));
    expect(chunks.length).toBeGreaterThan(1);
    expect(chat.getHistory()).toEqual(plain.getHistory());
    await waitForSpans(h.t, 1);
    const { spans, metrics } = await h.drain();
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes[ATTR.REQUEST_STREAM]).toBe(true);
    expect(metrics.count(METRIC.CLIENT_TIME_TO_FIRST_CHUNK)).toBe(1);
  });
});
