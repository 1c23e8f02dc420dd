// prom-client types only its index; these are two of the files that index.js re-exports
// (see prom-client.ts for why llmeter loads them directly).
declare module 'prom-client/lib/registry.js' {
  import { Registry } from 'prom-client';
  export = Registry;
}
declare module 'prom-client/lib/gauge.js' {
  import { Gauge } from 'prom-client';
  export = Gauge;
}
