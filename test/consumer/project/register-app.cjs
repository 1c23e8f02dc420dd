// Started with `node --require @llmeter/core/register`: the CommonJS form.
const { withLLMCall } = require('@llmeter/core');

withLLMCall({ requestModel: 'gpt-4o' }, async () => 'ok').then(() =>
  process.stdout.write('done\n'),
);
