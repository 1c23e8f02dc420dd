// Started with `node --import @llmeter/core/register`: no init() here, and no
// shutdown() either: the natural exit flushes.
import { withLLMCall } from '@llmeter/core';

await withLLMCall({ requestModel: 'gpt-4o' }, async (op) =>
  op.update({ usage: { inputTokens: 3, outputTokens: 1 } }),
);
process.stdout.write('done\n');
