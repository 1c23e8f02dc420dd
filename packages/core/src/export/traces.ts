import { context, propagation, type Tracer, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type ReadableSpan,
  type Sampler,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { ResolvedConfig } from '../config';
import { ENV, INSTRUMENTATION_SCOPE } from '../constants';
import { envNumber } from '../env';
import { hasGlobal, type OtelGlobal } from '../globals';
import { infoOnce } from '../internal-log';
import { LLMETER_VERSION } from '../resource';
import type { LLMeterOptions } from '../types';
import { deferredExporter } from './deferred-exporter';
import { countingSpanExporter, queueDropListener, type SelfTelemetry } from './self-telemetry';

export interface TracePipeline {
  tracer: Tracer;
  /** Set when llmeter created (and so owns) the provider. */
  provider: TracerProvider | undefined;
  /** Who provides the tracer, for docs and debugging. */
  source: 'option' | 'application-global' | 'llmeter';
  /** Nothing reads a span's attributes at its start (RecorderDeps.startAttributesUnread). */
  startAttributesUnread: boolean;
  /** Spans come from llmeter's own provider (RecorderDeps.ownSpans). */
  ownSpans: boolean;
  /** Removes the globals llmeter registered (and only those), at shutdown. */
  unregister(): void;
}

/**
 * The tracer llmeter records with. An explicit provider wins; otherwise an
 * application's already registered global provider is used as is (never
 * replaced, so its processors and sampling keep all their data); otherwise
 * llmeter builds its own, bounded, and registers it when nothing else is.
 */
export function setUpTraces(
  options: LLMeterOptions,
  config: ResolvedConfig,
  resource: Resource,
  self: SelfTelemetry,
): TracePipeline {
  const registered = new Set<OtelGlobal>();
  const unregister = () => unregisterGlobals(registered);
  if (options.registerGlobal !== false) ensureContextManager(registered);
  if (options.tracerProvider) {
    return {
      tracer: options.tracerProvider.getTracer(INSTRUMENTATION_SCOPE, LLMETER_VERSION),
      provider: undefined,
      source: 'option',
      startAttributesUnread: false,
      ownSpans: false,
      unregister,
    };
  }
  if (hasGlobal('trace')) {
    infoOnce('traces:global', "using the application's registered tracer provider");
    return {
      tracer: trace.getTracer(INSTRUMENTATION_SCOPE, LLMETER_VERSION),
      provider: undefined,
      source: 'application-global',
      startAttributesUnread: false,
      ownSpans: false,
      unregister,
    };
  }
  const processors: SpanProcessor[] = [];
  if (config.tracesExporter.includes('otlp')) {
    processors.push(
      new BatchSpanProcessor({
        exporter: countingSpanExporter(otlpExporter(config), self),
        selfObsMeterProvider: queueDropListener(self),
        ...batchOptions(options),
      }),
    );
  }
  if (config.tracesExporter.includes('console')) {
    processors.push(new BatchSpanProcessor({ exporter: new ConsoleSpanExporter() }));
  }
  processors.push(...(options.spanProcessors ?? []));
  const provider = new TracerProvider({
    resource,
    sampler: config.sampler,
    spanProcessors: processors,
  });
  if (options.registerGlobal !== false) registerGlobals(provider, registered);
  return {
    tracer: provider.getTracer(INSTRUMENTATION_SCOPE, LLMETER_VERSION),
    provider,
    source: 'llmeter',
    startAttributesUnread:
      (options.sampler === undefined || ignoresAttributes(options.sampler)) &&
      processors.every(ignoresStart),
    ownSpans: true,
    unregister,
  };
}

/**
 * The SDK's batch and simple processors do nothing at a span's start; any
 * other processor (or a subclass with its own onStart) may read the span's
 * attributes there, so they are then passed at the start as usual.
 */
function ignoresStart(processor: SpanProcessor): boolean {
  return (
    processor.onStart === BatchSpanProcessor.prototype.onStart ||
    processor.onStart === SimpleSpanProcessor.prototype.onStart
  );
}

/**
 * The SDK's samplers that decide on the trace id alone (exactly these classes,
 * not a subclass with its own shouldSample). The one from
 * `OTEL_TRACES_SAMPLER` (no `sampler` option) is always one of them or a
 * ParentBased over them, built in config.ts; a ParentBased given as an option
 * may hold any sampler, so its spans get their attributes at the start.
 */
function ignoresAttributes(sampler: Sampler): boolean {
  const type = Object.getPrototypeOf(sampler)?.constructor;
  return type === AlwaysOnSampler || type === AlwaysOffSampler || type === TraceIdRatioBasedSampler;
}

/** OTLP/gRPC, loaded at the first export (see deferred-exporter.ts). */
function otlpExporter(config: ResolvedConfig): SpanExporter {
  return deferredExporter<ReadableSpan[]>('traces', async () => {
    const [{ Metadata }, { OTLPTraceExporter }] = await Promise.all([
      import('@grpc/grpc-js'),
      import('@opentelemetry/exporter-trace-otlp-grpc'),
    ]);
    const metadata = new Metadata();
    for (const [key, value] of Object.entries(config.otlpTracesHeaders)) metadata.set(key, value);
    return new OTLPTraceExporter({
      url: config.otlpTracesEndpoint,
      metadata,
      timeoutMillis: config.otlpTracesTimeoutMs,
    });
  });
}

function batchOptions(options: LLMeterOptions) {
  const env = process.env;
  const o = options.batchSpanProcessor ?? {};
  const positive = (n: number) => n > 0;
  return {
    maxQueueSize: o.maxQueueSize ?? envNumber(env, ENV.OTEL_BSP_MAX_QUEUE_SIZE, positive) ?? 2048,
    maxExportBatchSize:
      o.maxExportBatchSize ?? envNumber(env, ENV.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, positive) ?? 512,
    scheduledDelayMillis:
      o.scheduledDelayMillis ?? envNumber(env, ENV.OTEL_BSP_SCHEDULE_DELAY, positive) ?? 5000,
    exportTimeoutMillis:
      o.exportTimeoutMillis ?? envNumber(env, ENV.OTEL_BSP_EXPORT_TIMEOUT, positive) ?? 30000,
  };
}

/** Registers only what nobody registered before us, and remembers what it did. */
function registerGlobals(provider: TracerProvider, registered: Set<OtelGlobal>): void {
  if (!hasGlobal('propagation')) {
    propagation.setGlobalPropagator(
      new CompositePropagator({
        propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
      }),
    );
    registered.add('propagation');
  }
  if (!hasGlobal('trace')) {
    trace.setGlobalTracerProvider(provider);
    registered.add('trace');
  }
}

/**
 * Context propagation is what nests operations (agent → model call → tool);
 * without a context manager nothing nests. Registered even when llmeter uses
 * the application's tracer provider, if the application did not register one.
 */
function ensureContextManager(registered: Set<OtelGlobal>): void {
  if (!hasGlobal('context')) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    registered.add('context');
  }
}

function unregisterGlobals(registered: Set<OtelGlobal>): void {
  if (registered.has('trace')) trace.disable();
  if (registered.has('propagation')) propagation.disable();
  if (registered.has('context')) context.disable();
  registered.clear();
}
