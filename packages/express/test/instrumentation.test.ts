import { createRequire } from 'node:module';
import { ExpressInstrumentation } from '@llmeter/express';
import { type InMemoryLLMeter, setupInMemory } from '@llmeter/testing/in-memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverSpan, start } from './helpers';

/**
 * `ExpressInstrumentation` in this process: require-in-the-middle hands it
 * each copy of `express` required after it is enabled (both majors here).
 */
const require = createRequire(import.meta.url);
let t: InMemoryLLMeter;
const instrumentation = new ExpressInstrumentation({ enabled: false });
beforeAll(() => {
  t = setupInMemory({ instrumentations: [instrumentation] });
});
afterAll(async () => {
  instrumentation.disable();
  await t.shutdown();
});

describe.each([
  ['express 4', 'express4'],
  ['express 5', 'express'],
])('ExpressInstrumentation on %s', (_name, id) => {
  const app = () => {
    const created = require(id)();
    created.get('/hello', (_req: unknown, res: { send(body: string): void }) => res.send('hi'));
    return created;
  };

  it('adds llmeterMiddleware() to every app created after it, with no app.use()', async () => {
    t.reset();
    const server = await start(app());
    try {
      const response = await fetch(`${server.url}/hello`);
      expect(await response.text()).toBe('hi');
      const span = await serverSpan(t);
      expect(span.attributes['http.route']).toBe('/hello');
    } finally {
      await server.close();
    }
  });

  it('disable() restores express.application.init: apps created afterwards are left alone', async () => {
    t.reset();
    instrumentation.disable();
    try {
      const server = await start(app());
      try {
        expect(await (await fetch(`${server.url}/hello`)).text()).toBe('hi');
      } finally {
        await server.close();
      }
      expect(t.spans()).toHaveLength(0);
      expect(require(id).application.init.name).toBe('init');
    } finally {
      instrumentation.enable();
    }
  });
});

describe('ExpressInstrumentation', () => {
  it('declares the express releases it supports', () => {
    const [definition] = new ExpressInstrumentation({ enabled: false }).getModuleDefinitions();
    expect(definition?.name).toBe('express');
    expect(definition?.supportedVersions).toEqual(['>=4 <6']);
  });
});
