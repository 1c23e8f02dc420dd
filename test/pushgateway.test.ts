/** Short-lived jobs: the series are pushed to a Pushgateway on shutdown. */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { init } from '@llmeter/core';
import { describe, expect, it } from 'vitest';

describe('Pushgateway', () => {
  it('pushes the /metrics series in the Prometheus text format under job=service.name on shutdown', async () => {
    const received: Array<{ method: string; url: string; body: string }> = [];
    const server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const llmeter = init({
        serviceName: 'nightly-batch',
        serviceInstanceId: 'run-42',
        tracesExporter: ['none'],
        metricsExporter: ['prometheus'],
        pushgatewayUrl: `http://127.0.0.1:${port}`,
        handleSignals: false,
        logger: false,
      });
      llmeter.recorder
        .startOperation({ requestModel: 'gpt-4o' })
        .end({ usage: { inputTokens: 3, outputTokens: 1 } });
      await llmeter.shutdown();
      expect(received).toHaveLength(1);
      expect(received[0].method).toBe('POST');
      expect(received[0].url).toBe('/metrics/job/nightly-batch/instance/run-42');
      expect(received[0].body).toMatch(/gen_ai_client_operation_duration_seconds_count\{[^}]*\} 1/);
      expect(received[0].body).toContain('# TYPE llmeter_client_cost_total counter');
      expect(received[0].body).not.toContain('# EOF');
    } finally {
      server.close();
    }
  });

  it('shutdown stays bounded when the Pushgateway never answers', async () => {
    const received: string[] = [];
    const server = createServer((req) => received.push(req.url ?? '')); // accepts, never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const llmeter = init({
        tracesExporter: ['none'],
        metricsExporter: ['prometheus'],
        serviceName: 'hung-batch',
        pushgatewayUrl: `http://127.0.0.1:${port}`,
        shutdownTimeoutMs: 300,
        handleSignals: false,
        logger: false,
      });
      // a hang here fails the test by its timeout; no wall-clock assertion
      await llmeter.shutdown();
      expect(received).toHaveLength(1);
      expect(received[0]).toMatch(/^\/metrics\/job\/hung-batch\/instance\//);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }, 10_000);
});
