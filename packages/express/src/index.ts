export {
  GPU_LABEL,
  GPU_METRIC,
  GPU_PROM_METRIC,
  HTTP_ATTR,
  INSTRUMENTATION_SCOPE,
  NVIDIA_SMI_ARGS,
} from './constants';
export { DEFAULT_EXCLUDED_PATHS } from './excluded-paths';
export { startGpuSampler } from './gpu-sampler';
export { ExpressInstrumentation, type ExpressInstrumentationConfig } from './instrumentation';
export { metricsHandler, serveMetrics } from './metrics-route';
export { llmeterAgent, llmeterErrorHandler, llmeterMiddleware } from './middleware';
export { createRequestPropagator } from './propagation';
export { llmeterServing } from './serving/middleware';
export type {
  AgentNameOption,
  ErrorMiddleware,
  GpuSample,
  GpuSampler,
  GpuSamplerOptions,
  LLMeterMiddlewareOptions,
  MetricsHandlerOptions,
  MetricsServerHandle,
  Middleware,
  NextFunction,
  RequestLike,
  ServeMetricsOptions,
  ServingOptions,
} from './types';
