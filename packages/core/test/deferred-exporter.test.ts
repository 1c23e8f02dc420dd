import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deferredExporter } from '../src/export/deferred-exporter';
import { internalLogger, resetReported } from '../src/internal-log';

const SPANS = [{ name: 'chat' }] as unknown as ReadableSpan[];

function recordingExporter() {
  const exported: ReadableSpan[][] = [];
  const exporter = {
    export: vi.fn((spans: ReadableSpan[], done: (r: ExportResult) => void) => {
      exported.push(spans);
      done({ code: ExportResultCode.SUCCESS });
    }),
    forceFlush: vi.fn(async () => {}),
    shutdown: vi.fn(async () => {}),
  } satisfies SpanExporter;
  return { exporter, exported };
}

const exportOnce = (exporter: SpanExporter) =>
  new Promise<ExportResult>((resolve) => exporter.export(SPANS, resolve));

afterEach(() => {
  vi.restoreAllMocks();
  resetReported();
});

describe('deferredExporter', () => {
  it('loads nothing until the first export, then loads once and forwards everything', async () => {
    const { exporter, exported } = recordingExporter();
    const load = vi.fn(async () => exporter);
    const deferred = deferredExporter('traces', load);
    await deferred.forceFlush?.();
    expect(load).not.toHaveBeenCalled();

    expect((await exportOnce(deferred)).code).toBe(ExportResultCode.SUCCESS);
    expect((await exportOnce(deferred)).code).toBe(ExportResultCode.SUCCESS);
    await deferred.forceFlush?.();
    await deferred.shutdown();
    expect(load).toHaveBeenCalledTimes(1);
    expect(exported).toEqual([SPANS, SPANS]);
    expect(exporter.forceFlush).toHaveBeenCalledTimes(1);
    expect(exporter.shutdown).toHaveBeenCalledTimes(1);
  });

  it('shuts down without loading when nothing was exported', async () => {
    const load = vi.fn(async () => recordingExporter().exporter);
    await deferredExporter('traces', load).shutdown();
    expect(load).not.toHaveBeenCalled();
  });

  it('fails the export, never throws, and reports once when the exporter cannot load', async () => {
    const error = vi.spyOn(internalLogger(), 'error').mockImplementation(() => {});
    const deferred = deferredExporter('traces', async () => {
      throw new Error('Cannot find module @grpc/grpc-js');
    });
    expect((await exportOnce(deferred)).code).toBe(ExportResultCode.FAILED);
    expect((await exportOnce(deferred)).code).toBe(ExportResultCode.FAILED);
    await deferred.forceFlush?.();
    await deferred.shutdown();
    expect(error).toHaveBeenCalledTimes(1);
  });

  it('fails the export when the loaded exporter throws', async () => {
    const throwing: SpanExporter = {
      export: () => {
        throw new Error('boom');
      },
      shutdown: async () => {},
    };
    const result = await exportOnce(deferredExporter('traces', async () => throwing));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toBe('boom');
  });
});
