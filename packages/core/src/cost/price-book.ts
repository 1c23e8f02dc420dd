import { readFileSync } from 'node:fs';
import { errorMessage } from '../failure';
import { warnOnce } from '../internal-log';
import type { ModelPriceInput, Usage } from '../types';
import { lookupPrice } from './model-names';
import { type ModelPrice, PRICE_TABLE } from './price-table';

export interface Cost {
  input: number;
  output: number;
  total: number;
}

const PER_MILLION = 1_000_000;

/**
 * Prices by model: option overrides, then LLMETER_PRICES_FILE, then the table
 * shipped with the package. Never fetched over the network. An unknown model
 * yields no cost (and one warning), never a silent zero.
 */
export class PriceBook {
  private readonly table: Record<string, ModelPrice>;
  private readonly cache = new Map<string, ModelPrice | null>();

  constructor(overrides?: Record<string, ModelPriceInput>, file?: string) {
    this.table = {
      ...PRICE_TABLE,
      ...normalize(file ? readPricesFile(file) : undefined, `file ${file}`),
      ...normalize(overrides, 'option prices'),
    };
  }

  price(model: string | undefined): ModelPrice | undefined {
    if (!model) return undefined;
    let price = this.cache.get(model);
    if (price === undefined) {
      price = lookupPrice(model, this.table) ?? null;
      // Model names come from responses: bound the memo so odd names cannot grow it forever.
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(model, price);
      if (price === null) {
        warnOnce(`price:${model}`, `no price known for model "${model}": no cost recorded`, {
          model,
          hint: 'add it with the `prices` option or LLMETER_PRICES_FILE',
        });
      }
    }
    return price ?? undefined;
  }

  cost(model: string | undefined, usage: Usage | undefined): Cost | undefined {
    if (!usage || (usage.inputTokens === undefined && usage.outputTokens === undefined)) {
      return undefined;
    }
    const price = this.price(model);
    if (!price) return undefined;
    const inputTokens = usage.inputTokens ?? 0;
    const cached = Math.min(usage.cacheReadInputTokens ?? 0, inputTokens);
    const cacheWrite = Math.min(usage.cacheCreationInputTokens ?? 0, inputTokens - cached);
    const uncached = inputTokens - cached - cacheWrite;
    const input =
      (uncached * price.input +
        cached * (price.cachedInput ?? price.input) +
        cacheWrite * (price.cacheWrite ?? price.input)) /
      PER_MILLION;
    const output = ((usage.outputTokens ?? 0) * price.output) / PER_MILLION;
    return { input, output, total: input + output };
  }
}

function readPricesFile(file: string): Record<string, ModelPriceInput> | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as Record<string, ModelPriceInput>;
    }
    warnOnce(`prices-file:${file}`, 'ignoring LLMETER_PRICES_FILE: expected a JSON object', {
      file,
    });
  } catch (error) {
    warnOnce(`prices-file:${file}`, 'ignoring LLMETER_PRICES_FILE: cannot read it', {
      file,
      error: errorMessage(error), // a JSON error quotes the file's text: scrubbed
    });
  }
  return undefined;
}

function normalize(
  prices: Record<string, ModelPriceInput> | undefined,
  origin: string,
): Record<string, ModelPrice> {
  const out: Record<string, ModelPrice> = {};
  if (!prices) return out;
  for (const [model, p] of Object.entries(prices)) {
    const valid =
      p &&
      typeof p === 'object' &&
      isRate(p.input) &&
      isRate(p.output) &&
      (p.cachedInput === undefined || isRate(p.cachedInput)) &&
      (p.cacheWrite === undefined || isRate(p.cacheWrite));
    if (!valid) {
      warnOnce(`price-entry:${origin}:${model}`, `ignoring the price of "${model}" in ${origin}`, {
        expected: '{ input, output, cachedInput?, cacheWrite? } in USD per 1M tokens',
      });
      continue;
    }
    out[model.toLowerCase()] = {
      input: p.input,
      output: p.output,
      ...(p.cachedInput !== undefined && { cachedInput: p.cachedInput }),
      ...(p.cacheWrite !== undefined && { cacheWrite: p.cacheWrite }),
      asOf: p.asOf ?? 'override',
      source: p.source ?? origin,
    };
  }
  return out;
}

function isRate(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0;
}
