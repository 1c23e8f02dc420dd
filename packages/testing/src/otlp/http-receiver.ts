import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { listen, urlHost } from '../shared/http-server.js';
import type { OtlpHttpReceiver, OtlpReceiverOptions } from '../types.js';
import { decodeExportRequestLazily, EMPTY_EXPORT_RESPONSE, setLazyBody } from './proto.js';
import { ReceiverStore } from './store.js';
import type { OtlpSignal, ReceiverRequest } from './telemetry-types.js';

const SIGNAL_PATHS: Record<string, OtlpSignal> = {
  '/v1/traces': 'traces',
  '/v1/metrics': 'metrics',
  '/v1/logs': 'logs',
};

// google.rpc.Status codes used in OTLP/HTTP error bodies.
const RPC_INVALID_ARGUMENT = 3;
const RPC_RESOURCE_EXHAUSTED = 8;
const RPC_UNAVAILABLE = 14;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function decompress(body: Buffer, encoding: string): Buffer {
  if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipSync(body);
  if (encoding === 'deflate') return inflateSync(body);
  if (encoding === 'br') return brotliDecompressSync(body);
  return body;
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** An OTLP/HTTP answer in the encoding the request used (the spec asks for that). */
function answer(
  res: ServerResponse,
  json: boolean,
  status: number,
  rpcStatus?: { code: number; message: string },
): void {
  if (json) {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(rpcStatus ?? {}));
    return;
  }
  res.writeHead(status, { 'content-type': 'application/x-protobuf' });
  // Error details stay out of protobuf answers: exporters only read the status line.
  res.end(EMPTY_EXPORT_RESPONSE);
}

/**
 * An OTLP/HTTP receiver like a collector's `otlp` receiver on :4318:
 * `/v1/traces`, `/v1/metrics` and `/v1/logs`, protobuf or JSON, optionally
 * gzip/deflate/br compressed. Everything is decoded and kept for assertions.
 */
export async function startOtlpHttpReceiver(
  options: OtlpReceiverOptions = {},
): Promise<OtlpHttpReceiver> {
  const store = new ReceiverStore(options.fault, options.keepRequests);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const signal = SIGNAL_PATHS[path];
    if (!signal || req.method !== 'POST') {
      res.writeHead(signal ? 405 : 404).end();
      return;
    }
    const contentType =
      (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const json = contentType === 'application/json';
    const compression = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    const raw = await readBody(req);
    const request: ReceiverRequest = {
      signal,
      transport: 'http',
      encoding: json ? 'json' : 'protobuf',
      compression,
      headers: flatHeaders(req),
      body: {},
      accepted: false,
      receivedAt: Date.now(),
    };
    if (!json && contentType !== 'application/x-protobuf') {
      request.error = `unsupported content-type "${contentType}"`;
      store.record(request);
      res.writeHead(415).end();
      return;
    }
    try {
      const bytes = decompress(raw, compression);
      if (json) request.body = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
      else setLazyBody(request, decodeExportRequestLazily(signal, bytes));
    } catch (error) {
      request.error = error instanceof Error ? error.message : String(error);
      store.record(request);
      answer(res, json, 400, { code: RPC_INVALID_ARGUMENT, message: request.error });
      return;
    }
    const fault = store.takeFault();
    if (fault?.hang) {
      store.record(request);
      return; // never answered: close() or the client's timeout ends it
    }
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (res.destroyed) return; // the exporter gave up waiting
    if (fault?.status) {
      store.record(request);
      if (fault.retryAfterSeconds !== undefined)
        res.setHeader('retry-after', String(fault.retryAfterSeconds));
      const code = fault.status === 429 ? RPC_RESOURCE_EXHAUSTED : RPC_UNAVAILABLE;
      answer(res, json, fault.status, {
        code,
        message: `fault injected by the test receiver (${fault.status})`,
      });
      return;
    }
    request.accepted = true;
    store.record(request);
    answer(res, json, 200);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  const { port, host, close } = await listen(server, options);
  const url = `http://${urlHost(host)}:${port}`;

  const receiver: OtlpHttpReceiver = {
    url,
    port,
    tracesUrl: `${url}/v1/traces`,
    metricsUrl: `${url}/v1/metrics`,
    logsUrl: `${url}/v1/logs`,
    requests: () => store.requests(),
    spans: () => store.spans(),
    metrics: () => store.metrics(),
    logs: () => store.logs(),
    waitFor: (predicate, timeoutMs) => store.waitFor(receiver, predicate, timeoutMs),
    setFault: (fault) => store.setFault(fault),
    reset: () => store.reset(),
    close: async () => {
      store.close();
      await close();
    },
  };
  return receiver;
}
