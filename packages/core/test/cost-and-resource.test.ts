import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupInMemory } from '@llmeter/testing/in-memory';
import { describe, expect, it, vi } from 'vitest';
import { PriceBook } from '../src/cost/price-book';
import * as internalLog from '../src/internal-log';
import { buildResource, visibleGpuUuids } from '../src/resource';

describe('cost', () => {
  it('resolves dated snapshots to their base price and prices cached input at the cached rate', () => {
    const book = new PriceBook();
    const base = book.price('gpt-4o-mini')!;
    expect(book.price('gpt-4o-mini-2024-07-18')).toEqual(base);
    const cost = book.cost('gpt-4o-mini-2024-07-18', {
      inputTokens: 1_000_000,
      cacheReadInputTokens: 400_000,
      outputTokens: 1_000_000,
    })!;
    expect(cost.input).toBeCloseTo(0.6 * base.input + 0.4 * (base.cachedInput ?? base.input), 10);
    expect(cost.output).toBeCloseTo(base.output, 10);
    expect(cost.total).toBeCloseTo(cost.input + cost.output, 10);
  });

  it('lets the option win over LLMETER_PRICES_FILE, which wins over the shipped table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmeter-prices-'));
    const file = join(dir, 'prices.json');
    writeFileSync(
      file,
      JSON.stringify({ 'gpt-4o': { input: 1, output: 2 }, 'my-finetune': { input: 3, output: 4 } }),
    );
    const book = new PriceBook({ 'my-finetune': { input: 5, output: 6 } }, file);
    expect(book.price('gpt-4o')).toMatchObject({ input: 1, output: 2 });
    expect(book.price('my-finetune')).toMatchObject({ input: 5, output: 6 });
    expect(book.cost('my-finetune', { inputTokens: 1_000_000, outputTokens: 0 })?.total).toBe(5);
  });

  it('ignores an unreadable prices file and malformed entries with a warning', () => {
    const warn = vi.spyOn(internalLog, 'warnOnce');
    const book = new PriceBook(
      { bad: { input: -1, output: 'x' } as never },
      '/nonexistent/prices.json',
    );
    expect(book.price('bad')).toBeUndefined();
    expect(book.price('gpt-4o')).toBeDefined();
    expect(warn.mock.calls.map((c) => c[1]).join('\n')).toMatch(
      /LLMETER_PRICES_FILE[\s\S]*price of "bad"/,
    );
    warn.mockRestore();
  });

  it('records no cost for an unknown model, never a silent zero, and warns once per model', async () => {
    const warn = vi.spyOn(internalLog, 'warnOnce');
    const t = setupInMemory();
    for (let i = 0; i < 3; i++) {
      t.llmeter.recorder
        .startOperation({ requestModel: 'mystery-model-9000' })
        .end({ usage: { inputTokens: 10, outputTokens: 1 } });
    }
    expect(await t.metricsText()).not.toContain('llmeter_client_cost_total{');
    expect(t.spans().every((s) => s.attributes['llmeter.cost.usd'] === undefined)).toBe(true);
    expect(warn.mock.calls.filter((c) => c[0] === 'price:mystery-model-9000')).toHaveLength(1);
    internalLog.resetReported();
    await t.shutdown();
    warn.mockRestore();
  });
});

describe('resource', () => {
  it('takes Kubernetes identity from the Downward API variables', () => {
    const resource = buildResource(
      { serviceName: 'support-agent', serviceVersion: '2.0.0', deploymentEnvironment: 'prod' },
      {
        K8S_POD_NAME: 'support-agent-7d9f-abc',
        K8S_NAMESPACE_NAME: 'agents',
        K8S_NODE_NAME: 'gpu-node-1',
        K8S_POD_UID: '0f1e2d3c',
        K8S_CONTAINER_NAME: 'app',
      },
    );
    expect(resource.attributes).toMatchObject({
      'service.name': 'support-agent',
      'service.version': '2.0.0',
      'deployment.environment.name': 'prod',
      'k8s.pod.name': 'support-agent-7d9f-abc',
      'k8s.namespace.name': 'agents',
      'k8s.node.name': 'gpu-node-1',
      'k8s.pod.uid': '0f1e2d3c',
      'k8s.container.name': 'app',
      'service.instance.id': '0f1e2d3c.app',
      'telemetry.distro.name': 'llmeter',
    });
  });

  it('orders option > OTEL_SERVICE_NAME > OTEL_RESOURCE_ATTRIBUTES > Downward API', () => {
    const env = {
      OTEL_SERVICE_NAME: 'from-env',
      OTEL_RESOURCE_ATTRIBUTES:
        'service.name=from-attrs,k8s.pod.name=attr-pod,service.instance.id=i-1',
      K8S_POD_NAME: 'downward-pod',
    };
    expect(buildResource({}, env).attributes).toMatchObject({
      'service.name': 'from-env',
      'k8s.pod.name': 'attr-pod',
      'service.instance.id': 'i-1',
    });
    expect(buildResource({ serviceName: 'opt' }, env).attributes['service.name']).toBe('opt');
    expect(
      buildResource({}, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs' }).attributes[
        'service.name'
      ],
    ).toBe('from-attrs');
  });

  it('reads GPU UUIDs from NVIDIA_VISIBLE_DEVICES, ignoring indices, all, none and void', () => {
    expect(visibleGpuUuids({ NVIDIA_VISIBLE_DEVICES: 'GPU-aaaa-1111, GPU-bbbb-2222' })).toEqual([
      'GPU-aaaa-1111',
      'GPU-bbbb-2222',
    ]);
    for (const value of ['all', 'none', 'void', '0,1', '']) {
      expect(visibleGpuUuids({ NVIDIA_VISIBLE_DEVICES: value })).toEqual([]);
    }
  });
});
