/**
 * The normalized view of what an OTLP receiver decoded. Ids are lowercase hex,
 * attribute values are plain JS values (int64 as number, arrays as arrays,
 * kvlists as objects, bytes as Uint8Array), timestamps are decimal strings of
 * Unix nanoseconds because they do not fit in a double.
 */

export type AttributeValue =
  | string
  | number
  | boolean
  | Uint8Array
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };

export type Attributes = Record<string, AttributeValue>;

export type OtlpSignal = 'traces' | 'metrics' | 'logs';

/** One export request as it arrived. */
export interface ReceiverRequest {
  signal: OtlpSignal;
  /** `http` for OTLP/HTTP, `grpc` for OTLP/gRPC. */
  transport: 'http' | 'grpc';
  /** `protobuf` or `json` as sent. */
  encoding: 'protobuf' | 'json';
  /**
   * HTTP: the Content-Encoding, e.g. `gzip`; `identity` when none. gRPC:
   * `unknown`, because grpc-js inflates messages and drops `grpc-encoding`
   * before a handler runs.
   */
  compression: string;
  /** Request headers (HTTP) or metadata (gRPC), lowercase names. */
  headers: Record<string, string>;
  /** The export request in OTLP/JSON shape (camelCase keys, hex ids, int64 as strings). */
  body: Record<string, unknown>;
  /**
   * False when a fault answered it or it could not be decoded: its data is
   * not in spans()/metrics()/logs().
   */
  accepted: boolean;
  /** Why decoding failed, when it did. */
  error?: string;
  receivedAt: number;
}

/** Span kinds as OTLP numbers them (note: @opentelemetry/api's SpanKind starts at INTERNAL = 0). */
export type SpanKindName =
  | 'UNSPECIFIED'
  | 'INTERNAL'
  | 'SERVER'
  | 'CLIENT'
  | 'PRODUCER'
  | 'CONSUMER';

export interface ReceivedSpanEvent {
  name: string;
  timeUnixNano: string;
  attributes: Attributes;
}

export interface ReceivedSpanLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty string for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP number: 0 UNSPECIFIED, 1 INTERNAL, 2 SERVER, 3 CLIENT, 4 PRODUCER, 5 CONSUMER. */
  kind: number;
  kindName: SpanKindName;
  attributes: Attributes;
  /** code: 0 UNSET, 1 OK, 2 ERROR. */
  status: { code: number; message: string };
  events: ReceivedSpanEvent[];
  links: ReceivedSpanLink[];
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  /** End minus start, in milliseconds (fractional). */
  durationMs: number;
  resource: Attributes;
  scope: { name: string; version: string };
}

export type MetricType = 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary';
export type Temporality = 'DELTA' | 'CUMULATIVE' | 'UNSPECIFIED';

export interface Exemplar {
  value: number;
  timeUnixNano: string;
  traceId: string;
  spanId: string;
  filteredAttributes: Attributes;
}

export interface NumberDataPoint {
  attributes: Attributes;
  startTimeUnixNano: string;
  timeUnixNano: string;
  value: number;
  exemplars: Exemplar[];
}

export interface HistogramDataPoint {
  attributes: Attributes;
  startTimeUnixNano: string;
  timeUnixNano: string;
  count: number;
  sum: number | undefined;
  min: number | undefined;
  max: number | undefined;
  /** One more entry than explicitBounds: the last bucket is (lastBound, +Inf). */
  bucketCounts: number[];
  explicitBounds: number[];
  exemplars: Exemplar[];
}

export interface ExponentialHistogramDataPoint {
  attributes: Attributes;
  startTimeUnixNano: string;
  timeUnixNano: string;
  count: number;
  sum: number | undefined;
  min: number | undefined;
  max: number | undefined;
  scale: number;
  zeroCount: number;
  positive: { offset: number; bucketCounts: number[] };
  negative: { offset: number; bucketCounts: number[] };
  exemplars: Exemplar[];
}

export interface SummaryDataPoint {
  attributes: Attributes;
  startTimeUnixNano: string;
  timeUnixNano: string;
  count: number;
  sum: number;
  quantileValues: { quantile: number; value: number }[];
}

interface ReceivedMetricBase {
  name: string;
  unit: string;
  description: string;
  resource: Attributes;
  scope: { name: string; version: string };
}

export type ReceivedMetric =
  | (ReceivedMetricBase & {
      type: 'gauge';
      temporality: 'UNSPECIFIED';
      isMonotonic: false;
      dataPoints: NumberDataPoint[];
    })
  | (ReceivedMetricBase & {
      type: 'sum';
      temporality: Temporality;
      isMonotonic: boolean;
      dataPoints: NumberDataPoint[];
    })
  | (ReceivedMetricBase & {
      type: 'histogram';
      temporality: Temporality;
      isMonotonic: false;
      dataPoints: HistogramDataPoint[];
    })
  | (ReceivedMetricBase & {
      type: 'exponentialHistogram';
      temporality: Temporality;
      isMonotonic: false;
      dataPoints: ExponentialHistogramDataPoint[];
    })
  | (ReceivedMetricBase & {
      type: 'summary';
      temporality: 'UNSPECIFIED';
      isMonotonic: false;
      dataPoints: SummaryDataPoint[];
    });

export interface ReceivedLogRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: AttributeValue;
  attributes: Attributes;
  eventName: string;
  traceId: string;
  spanId: string;
  resource: Attributes;
  scope: { name: string; version: string };
}
