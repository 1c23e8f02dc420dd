// The mock LLM in a process of its own, as a remote model server would be: the
// soak then measures the service's own work, not the mock's. Prints its URL as
// one JSON line; stops on SIGTERM or when its parent goes away.
import { startMockLLM } from '@llmeter/testing';

const mock = await startMockLLM({
  // The example service's own mock defaults (examples/agent-service/src/upstream.mjs).
  firstChunkDelayMs: 40,
  chunkDelayMs: 6,
  chunks: 12,
  keepRequests: 10,
  ref: true,
});
console.log(JSON.stringify({ url: mock.url }));
const stop = () => mock.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('disconnect', stop);
