/**
 * Resolving the model names seen on the wire to price-table keys.
 *
 * Responses and requests name models in many decorated forms: dated snapshots
 * (`gpt-4o-2024-08-06`, `claude-3-5-sonnet-20241022`), aliases (`-latest`),
 * gateway prefixes (`openai/gpt-4o`, `models/gemini-2.5-flash`), Bedrock ids
 * (`us.anthropic.claude-sonnet-4-20250514-v1:0`) and Vertex ids
 * (`claude-3-5-sonnet-v2@20241022`). `baseModelName()` peels those off one step
 * at a time; `lookupPrice()` tries every step against the table (so a dated
 * snapshot with its own row wins over its base name), then falls back to the
 * longest key that prefixes the base name.
 *
 * The fallback refuses suffixes that name a different product rather than a
 * snapshot of the same one: a modality (`gpt-4o-audio-preview`, priced per audio
 * token), a tier (`gpt-5.1-codex-mini`), or another minor version
 * (`claude-opus-4-7` is not `claude-opus-4`). Those resolve to undefined, so the
 * caller records no cost and warns once instead of recording a wrong one.
 *
 * Pure string work: no I/O.
 */
import { type ModelPrice, PRICE_TABLE } from './price-table';

/** `openai/gpt-4o`, `models/gemini-2.5-flash`, `projects/…/publishers/google/models/…`. */
const PATH_PREFIX = /^.*\//;
/** Bedrock: `anthropic.claude-…`, `us.anthropic.claude-…`, `mistral.mistral-large-…`. */
const BEDROCK_PREFIX =
  /^(?:[a-z-]{2,8}\.)?(?:anthropic|mistral|openai|google|meta|amazon|cohere)\./;

/**
 * Suffixes removed from the end of the name, one per step, first match first,
 * until none applies.
 */
const SUFFIXES: readonly RegExp[] = [
  /-v\d+(?::\w+)*$/, // Bedrock model version: `-v1:0`, `-v2:0`, `-v1:0:200k`
  /(?:-v\d+)?@\d{8}$/, // Vertex snapshot: `@20240229`, `-v2@20241022`
  /-latest$/, // moving aliases: `mistral-large-latest`, `claude-3-7-sonnet-latest`
  /-(?:preview|exp)(?:-[\d-]+)?$/, // `-preview`, `-preview-05-20`, `-preview-09-2025`, `-exp-0827`
  /-\d{4}-\d{2}-\d{2}$/, // OpenAI snapshot: `-2024-08-06`
  /-\d{8}$/, // Anthropic snapshot: `-20241022`
  /-\d{4}$/, // OpenAI `-0125` / `-1106`, Mistral `-2411` (YYMM)
  /(?<=^gemini-\d.*)-\d{3}$/, // Gemini versions: `gemini-1.5-pro-002`, not `gemini-embedding-001`
];

/**
 * Names whose base is not what the suffix rules would give. Checked at every
 * step, so decorated forms (`openai/gpt-4-0125-preview`) resolve too.
 */
const ALIASES: Readonly<Record<string, string>> = {
  // GPT-4 Turbo previews and vision were priced as gpt-4-turbo, not as gpt-4.
  'gpt-4-1106-preview': 'gpt-4-turbo',
  'gpt-4-0125-preview': 'gpt-4-turbo',
  'gpt-4-vision-preview': 'gpt-4-turbo',
  'gpt-4-1106-vision-preview': 'gpt-4-turbo',
  // Anthropic's `-0` aliases of the 4.0 models.
  'claude-opus-4-0': 'claude-opus-4',
  'claude-sonnet-4-0': 'claude-sonnet-4',
  // Medium 3.5's own id; mistral-medium-latest points at it.
  'mistral-medium-3.5': 'mistral-medium',
  'mistral-medium-3-5': 'mistral-medium',
  'mistral-nemo': 'open-mistral-nemo',
  // Azure OpenAI spells GPT-3.5 without the dot.
  'gpt-35-turbo': 'gpt-3.5-turbo',
  'gpt-35-turbo-instruct': 'gpt-3.5-turbo-instruct',
};

/**
 * Words that make a suffix a different product, not a snapshot: modalities and
 * tool models (priced per modality or per call), and size/speed tiers.
 */
const OTHER_PRODUCT =
  /(?:^|-)(?:audio|realtime|tts|transcribe|image|vision|search|live|computer|deep|research|embed|embedding|moderation|instruct|mamba|thinking|mini|nano|lite|pro|max|plus|ultra|fast|flash|turbo|small|medium|large)(?:-|$)/;

/**
 * A suffix starting with a number is another version (`-7` in `claude-opus-4-7`,
 * `-16k`); one with characters no snapshot uses is a gateway variant
 * (OpenRouter `gpt-4o-mini:free`) whose price we cannot know.
 */
const OTHER_VERSION = /^\d|[^a-z0-9-]/;

/**
 * Every form of `model` from the raw name to the base name, most specific
 * first, without duplicates.
 */
function nameForms(model: string): string[] {
  let name = model.trim().toLowerCase();
  const forms = [name];
  const push = (next: string): void => {
    name = next;
    if (forms[forms.length - 1] !== next) forms.push(next);
  };
  push(name.replace(PATH_PREFIX, '').replace(BEDROCK_PREFIX, ''));
  // OpenRouter and others write Claude versions with dots: `claude-3.5-sonnet`.
  if (name.startsWith('claude-')) push(name.replaceAll('.', '-'));
  for (let step = 0; step < 16; step++) {
    const alias = Object.hasOwn(ALIASES, name) ? ALIASES[name] : undefined;
    if (alias !== undefined) {
      push(alias);
      break;
    }
    const suffix = SUFFIXES.find((re) => re.test(name));
    if (suffix === undefined) break;
    push(name.replace(suffix, ''));
  }
  return forms;
}

/**
 * The price-table key form of a model name: lower-cased, without gateway or
 * Bedrock prefixes and without snapshot, version and alias suffixes.
 *
 * @example baseModelName('gpt-4o-mini-2024-07-18') // 'gpt-4o-mini'
 * @example baseModelName('us.anthropic.claude-sonnet-4-20250514-v1:0') // 'claude-sonnet-4'
 * @example baseModelName('models/gemini-2.5-flash-preview-05-20') // 'gemini-2.5-flash'
 */
export function baseModelName(model: string): string {
  const forms = nameForms(model);
  return forms[forms.length - 1] ?? '';
}

/**
 * The key of `table` that prices `model`, or undefined when none does: the exact
 * name, then each step of `baseModelName()` (so a snapshot with a row of its own
 * wins over its base), then the longest key that is a prefix of the base name
 * followed by `-` (`gpt-5-codex` → `gpt-5`), unless what follows names another
 * product or version (`gpt-4o-audio-preview`, `claude-opus-4-7`).
 */
export function resolvePriceKey(
  model: string,
  table: Readonly<Record<string, unknown>>,
): string | undefined {
  if (Object.hasOwn(table, model)) return model;
  const forms = nameForms(model);
  const exact = forms.find((form) => Object.hasOwn(table, form));
  if (exact !== undefined) return exact;

  const base = forms[forms.length - 1] ?? '';
  let longest: string | undefined;
  for (const key of Object.keys(table)) {
    if (base.startsWith(`${key}-`) && key.length > (longest?.length ?? 0)) longest = key;
  }
  if (longest === undefined) return undefined;
  const rest = base.slice(longest.length + 1);
  return OTHER_VERSION.test(rest) || OTHER_PRODUCT.test(rest) ? undefined : longest;
}

/**
 * The price of `model` in `table` (default: the shipped `PRICE_TABLE`), or
 * undefined when the model is unknown. Table keys are expected in lower case.
 */
export function lookupPrice(
  model: string,
  table: Readonly<Record<string, ModelPrice>> = PRICE_TABLE,
): ModelPrice | undefined {
  const key = resolvePriceKey(model, table);
  return key === undefined ? undefined : table[key];
}
