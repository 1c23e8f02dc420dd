import {
  type Attributes,
  type Counter,
  type Histogram,
  type Meter,
  type UpDownCounter,
  ValueType,
} from '@opentelemetry/api';
import type { InstrumentDefinition, InstrumentKey } from './definitions';

type OtelInstrument = Histogram | Counter | UpDownCounter;

/** Builds the OTel instruments once; `record` is the only per-operation call. */
export class OtelSink {
  private readonly instruments = new Map<
    InstrumentKey,
    { kind: string; instrument: OtelInstrument }
  >();

  constructor(meter: Meter, definitions: Partial<Record<InstrumentKey, InstrumentDefinition>>) {
    for (const [key, def] of Object.entries(definitions) as [
      InstrumentKey,
      InstrumentDefinition,
    ][]) {
      const options = {
        unit: def.unit,
        description: def.description,
        valueType: def.integer ? ValueType.INT : ValueType.DOUBLE,
      };
      let instrument: OtelInstrument;
      if (def.kind === 'histogram') {
        instrument = meter.createHistogram(def.name, {
          ...options,
          advice: { explicitBucketBoundaries: [...(def.buckets ?? [])] },
        });
      } else if (def.kind === 'counter') {
        instrument = meter.createCounter(def.name, options);
      } else if (def.kind === 'updowncounter') {
        instrument = meter.createUpDownCounter(def.name, options);
      } else {
        continue;
      }
      this.instruments.set(key, { kind: def.kind, instrument });
    }
  }

  recordMany(key: InstrumentKey, values: readonly number[], attributes: Attributes): void {
    const entry = this.instruments.get(key);
    if (!entry) return;
    const histogram = entry.instrument as Histogram;
    for (const value of values) histogram.record(value, attributes);
  }

  record(key: InstrumentKey, value: number, attributes: Attributes): void {
    const entry = this.instruments.get(key);
    if (!entry) return;
    if (entry.kind === 'histogram') (entry.instrument as Histogram).record(value, attributes);
    else (entry.instrument as Counter).add(value, attributes);
  }
}
