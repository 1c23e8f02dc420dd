import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BulkHistogram } from '../src/metrics/bulk-histogram';
import { renderMetrics } from '../src/prometheus/exposition';

describe('BulkHistogram', () => {
  it("renders exactly what prom-client's Histogram renders for the same observations", async () => {
    const buckets = [0.01, 0.02, 0.04, 0.08];
    const values = [0.005, 0.01, 0.015, 0.03, 0.07, 0.5, 0.02, Number.NaN];
    const labels = { gen_ai_request_model: 'gpt-4o', server_port: 443 };

    const reference = new Registry();
    const h = new Histogram({
      name: 'x_seconds',
      help: 'h',
      labelNames: ['gen_ai_request_model', 'server_port'],
      buckets,
      registers: [reference],
    });
    for (const v of values) if (Number.isFinite(v)) h.observe(labels, v);

    const ours = new Registry();
    const bulk = new BulkHistogram(
      'x_seconds',
      'h',
      ['gen_ai_request_model', 'server_port'],
      buckets,
      [ours],
    );
    bulk.observeMany(labels, values.slice(0, 4));
    bulk.observeMany({ ...labels }, values.slice(4));

    expect(await renderMetrics([ours], false)).toBe(await renderMetrics([reference], false));
    expect(await ours.metrics()).toBe(await reference.metrics()); // prom-client's own renderer accepts it too
  });
});
