import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { reportInternalError } from '../internal-log';
import type { Signal } from './self-telemetry';

/** What a span exporter and a push metric exporter have in common. */
export interface Exporter<Batch> {
  export(batch: Batch, done: (result: ExportResult) => void): void;
  forceFlush?(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * An exporter that loads the real one at its first export, not at init(): the
 * OTLP exporters are a large part of a service's start-up (test/bench/setup.mjs:
 * OTLP/gRPC traces with @grpc/grpc-js ~17 ms, OTLP/HTTP protobuf metrics
 * ~13 ms), spent once, later, only by a process that has something to send. A
 * shutdown before any export loads nothing.
 */
export function deferredExporter<Batch>(
  signal: Signal,
  load: () => Promise<Exporter<Batch>>,
): Required<Exporter<Batch>> {
  let loading: Promise<Exporter<Batch> | undefined> | undefined;
  const loaded = () => {
    loading ??= load().catch((error: unknown) => {
      reportInternalError(`${signal}.exporter`, error);
      return undefined;
    });
    return loading;
  };
  return {
    export(batch: Batch, done: (result: ExportResult) => void) {
      loaded().then((exporter) => {
        try {
          if (!exporter) throw new Error(`${signal} exporter not loaded`);
          exporter.export(batch, done);
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
