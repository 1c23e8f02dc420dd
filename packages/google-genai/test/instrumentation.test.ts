import * as genai from '@google/genai';
import { METRIC } from '@llmeter/core';
import { GoogleGenAIInstrumentation, instrumentGoogleGenAI } from '@llmeter/google-genai';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLASH, type Harness, harness } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h.close();
});

const METHODS = [
  'generateContentInternal',
  'generateContentStreamInternal',
  'embedContentInternal',
] as const;
const proto = genai.Models.prototype as unknown as Record<string, unknown>;

describe('GoogleGenAIInstrumentation', () => {
  it('declares @google/genai with a supported version range, and a name for init()', () => {
    const instrumentation = new GoogleGenAIInstrumentation({ enabled: false });
    expect(instrumentation.instrumentationName).toBe('@llmeter/google-genai');
    expect(instrumentation.name).toBe('@llmeter/google-genai');
    const [definition] = (instrumentation as any).getModuleDefinitions();
    expect(definition.name).toBe('@google/genai');
    expect(definition.supportedVersions).toEqual(['>=1.0.0 <4']);
  });

  it('patches the Models class of the module it is given, so plain clients are measured, and disable() restores every method', async () => {
    const originals = METHODS.map((m) => proto[m]);
    const instrumentation = new GoogleGenAIInstrumentation({ module: genai });
    expect(METHODS.map((m) => proto[m])).not.toEqual(originals);
    await h.raw().models.generateContent({ model: FLASH, contents: 'hi' });
    expect((await h.drain()).spans).toHaveLength(1);

    instrumentation.disable();
    expect(METHODS.map((m) => proto[m])).toEqual(originals);
    await h.raw().models.generateContent({ model: FLASH, contents: 'hi' });
    expect((await h.drain()).spans).toHaveLength(0);

    instrumentation.enable();
    await h.raw().models.generateContent({ model: FLASH, contents: 'hi' });
    expect((await h.drain()).spans).toHaveLength(1);
    instrumentation.disable();
    expect(METHODS.map((m) => proto[m])).toEqual(originals);
  });

  it('counts a call once when instrumentGoogleGenAI() and the instrumentation both apply, in either order', async () => {
    const before = instrumentGoogleGenAI(h.raw());
    const instrumentation = new GoogleGenAIInstrumentation({ module: genai });
    const after = instrumentGoogleGenAI(h.raw());
    await before.models.generateContent({ model: FLASH, contents: 'hi' });
    await after.models.generateContent({ model: FLASH, contents: 'hi' });
    const { spans, metrics } = await h.drain();
    expect(spans).toHaveLength(2);
    expect(metrics.count(METRIC.CLIENT_OPERATION_DURATION)).toBe(2);
    instrumentation.disable();
  });

  it('works through OpenTelemetry registerInstrumentations(), whose unregister restores the class', async () => {
    const originals = METHODS.map((m) => proto[m]);
    const unregister = registerInstrumentations({
      instrumentations: [new GoogleGenAIInstrumentation({ module: genai })],
    });
    await h.raw().models.generateContent({ model: FLASH, contents: 'hi' });
    expect((await h.drain()).spans).toHaveLength(1);
    unregister();
    expect(METHODS.map((m) => proto[m])).toEqual(originals);
  });

  it('is enabled by init({ instrumentations }) without complaint (enable() returns nothing false)', () => {
    const instrumentation = new GoogleGenAIInstrumentation({ enabled: false, module: genai });
    expect(instrumentation.enable()).not.toBe(false);
    instrumentation.disable();
  });
});
