import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { reportInternalError } from '../internal-log';

/**
 * A span exporter that loads the real one at its first export, not at init():
 * the OTLP/gRPC exporter and @grpc/grpc-js are about 17 ms of a service's
 * start-up (test/bench/setup.mjs), spent once, later, only by a process that
 * has spans to send. A shutdown before any export loads nothing.
 */
export function deferredSpanExporter(load: () => Promise<SpanExporter>): SpanExporter {
  let loading: Promise<SpanExporter | undefined> | undefined;
  const loaded = () => {
    loading ??= load().catch((error: unknown) => {
      reportInternalError('traces.exporter', error);
      return undefined;
    });
    return loading;
  };
  return {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
      loaded().then((exporter) => {
        try {
          if (!exporter) throw new Error('span exporter not loaded');
          exporter.export(spans, done);
        } catch (error) {
          done({ code: ExportResultCode.FAILED, error: error as Error });
        }
      });
    },
    forceFlush: async () => {
      await (await loading)?.forceFlush?.();
    },
    shutdown: async () => {
      await (await loading)?.shutdown();
    },
  };
}
