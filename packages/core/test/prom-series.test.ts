import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SeriesCounter, SeriesGauge, SeriesHistogram } from '../src/metrics/prom-series';
import { createOpenMetricsRegistry } from '../src/metrics/prom-sink';
import { renderMetrics } from '../src/prometheus/exposition';

const buckets = [0.01, 0.02, 0.04, 0.08];
const labelNames = ['gen_ai_request_model', 'server_port'];
const labels = { gen_ai_request_model: 'gpt-4o', server_port: 443 };
const other = { server_port: 8000, gen_ai_request_model: 'gpt-4o-mini' };

/** Both renderers, both formats where the registry allows them. */
async function renders(registry: Registry) {
  return [
    await renderMetrics([registry], false),
    await renderMetrics([registry], true),
    await registry.metrics(),
  ];
}

describe("llmeter's /metrics series", () => {
  it("histogram: renders exactly what prom-client's Histogram renders for the same observations", async () => {
    const values = [0.005, 0.01, 0.015, 0.03, 0.07, 0.5, 0.02];
    const reference = new Registry();
    const h = new Histogram({
      name: 'x_seconds',
      help: 'h',
      labelNames,
      buckets,
      registers: [reference],
    });
    for (const v of values) h.observe(labels, v);
    h.observe(other, 0.03);

    const ours = new Registry();
    const s = new SeriesHistogram('x_seconds', 'h', labelNames, buckets, false, [ours]);
    s.observeMany(labels, values.slice(0, 4), true);
    s.observeMany({ ...labels }, [...values.slice(4), Number.NaN], false);
    s.observe(other, 0.03, undefined, false);

    expect(await renders(ours)).toEqual(await renders(reference));
  });

  it("histogram with exemplars: same samples and exemplars as prom-client's", async () => {
    const reference = createOpenMetricsRegistry();
    const h = new Histogram({
      name: 'd_seconds',
      help: 'd',
      labelNames,
      buckets,
      registers: [reference],
      enableExemplars: true,
    });
    const ours = createOpenMetricsRegistry();
    const s = new SeriesHistogram('d_seconds', 'd', labelNames, buckets, true, [ours]);
    const ex = (n: number) => ({
      trace_id: `${n}`.padStart(32, '0'),
      span_id: `${n}`.padStart(16, '0'),
    });
    const shared = Object.freeze({ ...labels });
    const observations: Array<[Record<string, string | number>, number, number | undefined]> = [
      [shared, 0.015, 1],
      [shared, 0.5, 2],
      [other, 0.03, undefined],
      [shared, 0.012, undefined],
      [other, 0.001, 3],
    ];
    for (const [l, v, e] of observations) {
      h.observe(
        e === undefined ? { labels: l, value: v } : { labels: l, value: v, exemplarLabels: ex(e) },
      );
      s.observe(l, v, e === undefined ? undefined : ex(e), l === shared);
    }
    // Exemplar timestamps are the observation time: compare everything else.
    const strip = (text: string) => text.replace(/(# \{[^}]*\} \S+) \S+$/gm, '$1 T');
    const [a, b] = [await renders(ours), await renders(reference)];
    expect(a.map(strip)).toEqual(b.map(strip));
    expect(a[1]).toContain('# {trace_id="00000000000000000000000000000002"');
  });

  it("counter and gauge: render exactly what prom-client's render", async () => {
    const reference = new Registry();
    const c = new Counter({ name: 'c_total', help: 'c', labelNames, registers: [reference] });
    const g = new Gauge({ name: 'g', help: 'g', labelNames, registers: [reference] });
    const ours = new Registry();
    const sc = new SeriesCounter('c_total', 'c', labelNames, [ours]);
    const sg = new SeriesGauge('g', 'g', labelNames, [ours]);
    const shared = Object.freeze({ ...labels });
    for (const [l, v] of [
      [shared, 1],
      [other, 2.5],
      [shared, 0],
    ] as const) {
      c.inc(l, v);
      sc.inc(l, v, l === shared);
      g.inc(l, v);
      sg.inc(l, v, l === shared);
      g.inc(l, -1);
      sg.inc(l, -1, l === shared);
    }
    expect(await renders(ours)).toEqual(await renders(reference));
  });

  it('refuses what prom-client refuses, without creating a series', () => {
    const sc = new SeriesCounter('c_total', 'c', labelNames, []);
    expect(() => sc.inc(labels, -1, false)).toThrow('It is not possible to decrease a counter');
    expect(() => sc.inc({ nope: 'x' }, 1, false)).toThrow(/not included in initial labelset/);
    const sh = new SeriesHistogram('h', 'h', labelNames, buckets, true, []);
    expect(() => sh.observe(labels, Number.NaN, undefined, false)).toThrow(TypeError);
    return Promise.all([sc.get(), sh.get()]).then(([a, b]) => {
      expect(a.values).toEqual([]);
      expect(b.values).toEqual([]);
    });
  });
});
