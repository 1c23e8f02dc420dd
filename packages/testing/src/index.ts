export { defaultResponseModel } from './mock-llm/behavior.js';
export { startMockLLM } from './mock-llm/server.js';
export { startOtlpGrpcReceiver } from './otlp/grpc-receiver.js';
export { startOtlpHttpReceiver } from './otlp/http-receiver.js';
export { logsOf, spansOf } from './otlp/normalize.js';
export { metricsOf } from './otlp/normalize-metrics.js';
export { anyValue, attributes } from './otlp/normalize-values.js';
export { decodeExportRequest } from './otlp/proto.js';
export type {
  Attributes,
  AttributeValue,
  Exemplar,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  MetricType,
  NumberDataPoint,
  OtlpSignal,
  ReceivedLogRecord,
  ReceivedMetric,
  ReceivedSpan,
  ReceivedSpanEvent,
  ReceivedSpanLink,
  ReceiverRequest,
  SpanKindName,
  SummaryDataPoint,
  Temporality,
} from './otlp/telemetry-types.js';
export type {
  MockLLM,
  MockLLMBehavior,
  MockLLMOptions,
  MockLLMRequest,
  MockReply,
  OtlpGrpcReceiver,
  OtlpHttpReceiver,
  OtlpReceiver,
  OtlpReceiverFault,
  OtlpReceiverOptions,
} from './types.js';
