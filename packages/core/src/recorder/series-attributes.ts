import type { Attributes } from '@opentelemetry/api';
import { ATTR, type TOKEN_TYPE } from '../constants';

/**
 * The metric attribute sets of inference operations, built once per label
 * tuple and reused by every operation with the same tuple.
 *
 * Why: one operation records on up to nine series (duration, TTFT, chunks,
 * tokens in/out, cost in/out, active requests +1/-1). Building a new object per
 * record (spreads, renamed keys) and then hashing it in the series cap and in
 * both sinks was most of core's per-call cost. A shared object lets the series
 * cap and the prom-client sink memoise their work per object (see
 * series-limit.ts and prom-sink.ts), and the operation only pays one cache
 * lookup at start and one at end.
 *
 * The sets are frozen: they are shared by every operation and handed to the
 * OTel SDK and prom-client, which keep the first object they see for a series.
 * Frozen is also the mark by which the sinks know an object is safe to
 * memoise on. Keys are inserted in the same order as the objects built before
 * this cache, so exports are unchanged.
 */

/** Above this many tuples (odd model names from user code) the cache starts over: it only saves work. */
const MAX_TUPLES = 1000;
/** Response models per request tuple kept before that tuple's map starts over. */
const MAX_RESPONSE_MODELS = 100;

const freeze = Object.freeze as <T>(o: T) => Readonly<T>;

/** Sets that depend on the request only: known when the operation starts. */
export class StartSeries {
  /** `gen_ai.client.active_requests`: operation, provider, request model. */
  readonly active: Attributes;
  private readonly byResponseModel = new Map<string | undefined, EndSeries>();

  constructor(
    readonly operation: string,
    readonly provider: string,
    readonly requestModel: string | undefined,
    readonly serverAddress: string | undefined,
    readonly serverPort: number | undefined,
  ) {
    const active: Attributes = {
      [ATTR.OPERATION_NAME]: operation,
      [ATTR.PROVIDER_NAME]: provider,
    };
    if (requestModel !== undefined) active[ATTR.REQUEST_MODEL] = requestModel;
    this.active = freeze(active);
  }

  /** The sets of a finished operation, once the response model is known. */
  end(responseModel: string | undefined): EndSeries {
    let series = this.byResponseModel.get(responseModel);
    if (series === undefined) {
      if (this.byResponseModel.size >= MAX_RESPONSE_MODELS) this.byResponseModel.clear();
      series = new EndSeries(this, responseModel);
      this.byResponseModel.set(responseModel, series);
    }
    return series;
  }
}

/** Sets of a finished operation. Each is built on first use. */
export class EndSeries {
  /** What every metric of the operation carries. */
  readonly common: Readonly<Attributes>;
  private readonly withErrors = new Map<string, Attributes>();
  private readonly derived = new Map<string, Attributes>();

  constructor(start: StartSeries, responseModel: string | undefined) {
    const common: Attributes = {
      [ATTR.OPERATION_NAME]: start.operation,
      [ATTR.PROVIDER_NAME]: start.provider,
    };
    if (start.requestModel !== undefined) common[ATTR.REQUEST_MODEL] = start.requestModel;
    if (responseModel !== undefined) common[ATTR.RESPONSE_MODEL] = responseModel;
    if (start.serverAddress !== undefined) common[ATTR.SERVER_ADDRESS] = start.serverAddress;
    if (start.serverPort !== undefined) common[ATTR.SERVER_PORT] = start.serverPort;
    this.common = freeze(common);
  }

  /** `common` plus `error.type`, or `common` itself for a success. */
  withError(errorType: string | undefined): Attributes {
    if (errorType === undefined) return this.common;
    let attrs = this.withErrors.get(errorType);
    if (attrs === undefined) {
      // error.type comes from errors' names and codes: bounded by what can fail, but stay safe.
      if (this.withErrors.size >= 100) this.withErrors.clear();
      attrs = freeze({ ...this.common, [ATTR.ERROR_TYPE]: errorType });
      this.withErrors.set(errorType, attrs);
    }
    return attrs;
  }

  /** semconv v1.41.1 token usage: `common` (+ estimated) + `gen_ai.token.type`. */
  tokens(type: string, estimated: boolean): Attributes {
    const id = estimated ? `tokens-estimated:${type}` : `tokens:${type}`;
    let attrs = this.derived.get(id);
    if (attrs === undefined) {
      const base = estimated
        ? { ...this.common, [ATTR.LLMETER_USAGE_ESTIMATED]: 'true' }
        : this.common;
      attrs = freeze({ ...base, [ATTR.TOKEN_TYPE]: type });
      this.derived.set(id, attrs);
    }
    return attrs;
  }

  /** Cost: `common` + `gen_ai.token.type`. */
  cost(type: typeof TOKEN_TYPE.INPUT | typeof TOKEN_TYPE.OUTPUT): Attributes {
    const id = `cost:${type}`;
    let attrs = this.derived.get(id);
    if (attrs === undefined) {
      attrs = freeze({ ...this.common, [ATTR.TOKEN_TYPE]: type });
      this.derived.set(id, attrs);
    }
    return attrs;
  }

  /** gen_ai_latest_experimental tokens: `common` + `gen_ai.token.modality` (+ estimated). */
  modality(modality: string, estimated: boolean): Attributes {
    const id = estimated ? `modality-estimated:${modality}` : `modality:${modality}`;
    let attrs = this.derived.get(id);
    if (attrs === undefined) {
      const built: Attributes = { ...this.common, [ATTR.TOKEN_MODALITY]: modality };
      if (estimated) built[ATTR.LLMETER_USAGE_ESTIMATED] = 'true';
      attrs = freeze(built);
      this.derived.set(id, attrs);
    }
    return attrs;
  }
}

const tuples = new Map<string, StartSeries>();

/** One string per tuple: each part length-prefixed, so no value can fake a separator. */
function tupleKey(
  operation: string,
  provider: string,
  requestModel: string | undefined,
  serverAddress: string | undefined,
  serverPort: number | undefined,
): string {
  return `${operation.length}:${operation}${provider.length}:${provider}${
    requestModel === undefined ? '-' : `${requestModel.length}:${requestModel}`
  }${serverAddress === undefined ? '-' : `${serverAddress.length}:${serverAddress}`}${
    serverPort === undefined ? '-' : serverPort
  }`;
}

/** The shared sets of an operation's request tuple. */
export function startSeries(
  operation: string,
  provider: string,
  requestModel: string | undefined,
  serverAddress: string | undefined,
  serverPort: number | undefined,
): StartSeries {
  const key = tupleKey(operation, provider, requestModel, serverAddress, serverPort);
  let series = tuples.get(key);
  if (series === undefined) {
    if (tuples.size >= MAX_TUPLES) tuples.clear();
    series = new StartSeries(operation, provider, requestModel, serverAddress, serverPort);
    tuples.set(key, series);
  }
  return series;
}
