import * as grpc from '@grpc/grpc-js';
import { urlHost } from '../shared/http-server.js';
import type { OtlpGrpcReceiver, OtlpReceiverOptions } from '../types.js';
import { decodeExportRequestLazily, EMPTY_EXPORT_RESPONSE, setLazyBody } from './proto.js';
import { ReceiverStore } from './store.js';
import type { OtlpSignal, ReceiverRequest } from './telemetry-types.js';

const SERVICES: { signal: OtlpSignal; path: string }[] = [
  { signal: 'traces', path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export' },
  { signal: 'metrics', path: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export' },
  { signal: 'logs', path: '/opentelemetry.proto.collector.logs.v1.LogsService/Export' },
];

const passThrough = (bytes: Buffer): Buffer => bytes;

/**
 * A unary Export method that hands the raw message bytes to the handler:
 * decoding happens there, so a message that does not decode is still logged.
 */
function exportService(path: string): grpc.ServiceDefinition {
  return {
    Export: {
      path,
      requestStream: false,
      responseStream: false,
      requestSerialize: passThrough,
      requestDeserialize: passThrough,
      responseSerialize: () => EMPTY_EXPORT_RESPONSE,
      responseDeserialize: passThrough,
    },
  };
}

function metadataHeaders(metadata: grpc.Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata.getMap())) {
    out[name] = Buffer.isBuffer(value) ? value.toString('base64') : String(value);
  }
  return out;
}

/**
 * An OTLP/gRPC receiver like a collector's `otlp` receiver on :4317:
 * TraceService, MetricsService and LogsService Export over plaintext HTTP/2.
 * grpc-js inflates gzip-compressed messages before the handler sees them.
 * Unlike the HTTP servers here it keeps the process alive until close():
 * grpc-js offers no unref.
 */
export async function startOtlpGrpcReceiver(
  options: OtlpReceiverOptions = {},
): Promise<OtlpGrpcReceiver> {
  const store = new ReceiverStore(options.fault, options.keepRequests);
  const server = new grpc.Server();

  for (const { signal, path } of SERVICES) {
    const handler: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
      const headers = metadataHeaders(call.metadata);
      const request: ReceiverRequest = {
        signal,
        transport: 'grpc',
        encoding: 'protobuf',
        compression: 'unknown',
        headers,
        body: {},
        accepted: false,
        receivedAt: Date.now(),
      };
      try {
        // Decoded to OTLP/JSON only when read: a soak's receiver then costs the shared machine little.
        setLazyBody(request, decodeExportRequestLazily(signal, call.request));
      } catch (error) {
        request.error = error instanceof Error ? error.message : String(error);
        store.record(request);
        callback({ code: grpc.status.INVALID_ARGUMENT, details: request.error });
        return;
      }
      const fault = store.takeFault();
      if (fault?.hang) {
        store.record(request);
        return; // never answered: the exporter's deadline or close() ends the call
      }
      const answer = () => {
        if (fault?.status) {
          store.record(request);
          callback({ code: fault.status, details: 'fault injected by the test receiver' });
          return;
        }
        request.accepted = true;
        store.record(request);
        callback(null, EMPTY_EXPORT_RESPONSE);
      };
      if (fault?.delayMs) setTimeout(answer, fault.delayMs);
      else answer();
    };
    server.addService(exportService(path), { Export: handler });
  }

  const host = options.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      `${urlHost(host)}:${options.port ?? 0}`,
      grpc.ServerCredentials.createInsecure(),
      (error, bound) => (error ? reject(error) : resolve(bound)),
    );
  });
  const endpoint = `${urlHost(host)}:${port}`;

  let closed = false;
  const receiver: OtlpGrpcReceiver = {
    url: `http://${endpoint}`,
    endpoint,
    port,
    requests: () => store.requests(),
    spans: () => store.spans(),
    metrics: () => store.metrics(),
    logs: () => store.logs(),
    waitFor: (predicate, timeoutMs) => store.waitFor(receiver, predicate, timeoutMs),
    setFault: (fault) => store.setFault(fault),
    reset: () => store.reset(),
    close: async () => {
      if (closed) return;
      closed = true;
      store.close();
      // forceShutdown cancels hung calls too; a graceful tryShutdown would wait for them.
      server.forceShutdown();
    },
  };
  return receiver;
}
