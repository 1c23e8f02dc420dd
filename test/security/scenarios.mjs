// The table of failure scenarios the leak hunt runs: one row per adapter, each
// a module (on the built packages, resolved from its own package) exporting
// `scenarios(ctx)`. A new adapter adds its fixtures/leak-scenarios.mjs and one
// row here. See leak-app.mjs for what a scenario is and what ctx offers.
export const ADAPTERS = [
  { adapter: 'core', module: '../../packages/core/test/fixtures/leak-scenarios.mjs' },
  { adapter: 'openai', module: '../../packages/openai/test/fixtures/leak-scenarios.mjs' },
  { adapter: 'anthropic', module: '../../packages/anthropic/test/fixtures/leak-scenarios.mjs' },
  { adapter: 'langchain', module: '../../packages/langchain/test/fixtures/leak-scenarios.mjs' },
  { adapter: 'express', module: '../../packages/express/test/fixtures/leak-scenarios.mjs' },
  {
    adapter: 'google-genai',
    module: '../../packages/google-genai/test/fixtures/leak-scenarios.mjs',
  },
  { adapter: 'mcp', module: '../../packages/mcp/test/fixtures/leak-scenarios.mjs' },
  { adapter: 'ai-sdk', module: '../../packages/ai-sdk/test/fixtures/leak-scenarios.mjs' },
];
