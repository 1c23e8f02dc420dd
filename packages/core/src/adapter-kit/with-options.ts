import { setHidden } from './hidden';

/**
 * A Stainless client's `withOptions()` returns a new client: wrap it so that
 * client is instrumented too, with the options `client` carries under
 * `settingsKey` at that moment (a later `instrument…(client, options)`
 * updates them), not those of the first call.
 */
export function wrapWithOptions<Options>(
  client: object,
  settingsKey: PropertyKey,
  instrument: (derived: unknown, options: Options | undefined) => unknown,
): void {
  const target = client as Record<PropertyKey, unknown>;
  const withOptions = target.withOptions;
  if (typeof withOptions !== 'function') return;
  setHidden(
    target,
    'withOptions',
    function instrumentedWithOptions(this: unknown, ...args: unknown[]) {
      const options = target[settingsKey] as Options | undefined;
      return instrument(Reflect.apply(withOptions, this, args), options);
    },
  );
}
