import type { Attributes } from '@opentelemetry/api';
import { ATTR, TOKEN_TYPE } from '../constants';

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
  /**
   * The span's attributes at start (what a sampler sees): operation, provider,
   * request model, server address and port, in the order they were set before
   * this cache. Shared like the metric sets: no object and five inserts per call.
   */
  readonly spanStart: Attributes;
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
    const spanStart: Attributes = { ...active };
    if (serverAddress !== undefined) spanStart[ATTR.SERVER_ADDRESS] = serverAddress;
    if (serverPort !== undefined) spanStart[ATTR.SERVER_PORT] = serverPort;
    this.spanStart = freeze(spanStart);
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
  // Plain fields rather than a map keyed by strings: read on every operation.
  private tokensInput: Attributes | undefined;
  private tokensOutput: Attributes | undefined;
  private tokensInputEstimated: Attributes | undefined;
  private tokensOutputEstimated: Attributes | undefined;
  private costInput: Attributes | undefined;
  private costOutput: Attributes | undefined;
  private modalities: Map<string, Attributes> | undefined;

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

  /** semconv v1.41.1 token usage, input: `common` (+ estimated) + `gen_ai.token.type`. */
  tokensIn(estimated: boolean): Attributes {
    if (estimated) {
      this.tokensInputEstimated ??= this.tokens(TOKEN_TYPE.INPUT, true);
      return this.tokensInputEstimated;
    }
    this.tokensInput ??= this.tokens(TOKEN_TYPE.INPUT, false);
    return this.tokensInput;
  }

  /** semconv v1.41.1 token usage, output. */
  tokensOut(estimated: boolean): Attributes {
    if (estimated) {
      this.tokensOutputEstimated ??= this.tokens(TOKEN_TYPE.OUTPUT, true);
      return this.tokensOutputEstimated;
    }
    this.tokensOutput ??= this.tokens(TOKEN_TYPE.OUTPUT, false);
    return this.tokensOutput;
  }

  private tokens(type: string, estimated: boolean): Attributes {
    const base = estimated
      ? { ...this.common, [ATTR.LLMETER_USAGE_ESTIMATED]: 'true' }
      : this.common;
    return freeze({ ...base, [ATTR.TOKEN_TYPE]: type });
  }

  /** Cost of input tokens: `common` + `gen_ai.token.type`. */
  costIn(): Attributes {
    this.costInput ??= freeze({ ...this.common, [ATTR.TOKEN_TYPE]: TOKEN_TYPE.INPUT });
    return this.costInput;
  }

  /** Cost of output tokens. */
  costOut(): Attributes {
    this.costOutput ??= freeze({ ...this.common, [ATTR.TOKEN_TYPE]: TOKEN_TYPE.OUTPUT });
    return this.costOutput;
  }

  /** gen_ai_latest_experimental tokens: `common` + `gen_ai.token.modality` (+ estimated). */
  modality(modality: 'text' | 'unknown', estimated: boolean): Attributes {
    const id = estimated ? `${modality}+estimated` : modality;
    this.modalities ??= new Map();
    let attrs = this.modalities.get(id);
    if (attrs === undefined) {
      const built: Attributes = { ...this.common, [ATTR.TOKEN_MODALITY]: modality };
      if (estimated) built[ATTR.LLMETER_USAGE_ESTIMATED] = 'true';
      attrs = freeze(built);
      this.modalities.set(id, attrs);
    }
    return attrs;
  }
}

/**
 * operation → provider → request model → server address → server port.
 * Nested maps rather than one concatenated key: the parts are strings the
 * caller already holds (their hashes are cached), so a lookup builds nothing.
 */
type Level<T> = Map<string | number | undefined, T>;
type Ports = Level<StartSeries>;
let tuples: Level<Level<Level<Level<Ports>>>> = new Map();
let tupleCount = 0;

function level<T>(parent: Level<Level<T>>, key: string | number | undefined): Level<T> {
  let next = parent.get(key);
  if (next === undefined) {
    next = new Map();
    parent.set(key, next);
  }
  return next;
}

/** The shared sets of an operation's request tuple. */
export function startSeries(
  operation: string,
  provider: string,
  requestModel: string | undefined,
  serverAddress: string | undefined,
  serverPort: number | undefined,
): StartSeries {
  const ports: Ports = level(
    level(level(level(tuples, operation), provider), requestModel),
    serverAddress,
  );
  let series = ports.get(serverPort);
  if (series === undefined) {
    if (tupleCount >= MAX_TUPLES) {
      tuples = new Map();
      tupleCount = 0;
      return startSeries(operation, provider, requestModel, serverAddress, serverPort);
    }
    series = new StartSeries(operation, provider, requestModel, serverAddress, serverPort);
    ports.set(serverPort, series);
    tupleCount++;
  }
  return series;
}
