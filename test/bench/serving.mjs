// The serving side: llmeter's CPU per streamed chunk in an Express server on an
// OpenAI-compatible SSE route (@llmeter/express: llmeterMiddleware + llmeterServing).
// Each server (bare, llmeter) runs in its own process; this process drives it over
// loopback and asks it for its own CPU time. Per chunk = the slope of server CPU
// per request between 32 and 256 chunks; best of blocks; variants alternate.
// `node serving.mjs` prints markdown; `servingSection()` returns it for run.mjs.
import { fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const COUNTS = [32, 256];
const REQUESTS = { 32: 400, 256: 80 };
const BLOCKS = 9;

function startServer(variant) {
  // SERVING_PROF=dir: a CPU profile of each server (`--cpu-prof`) into dir.
  const prof = process.env.SERVING_PROF;
  const execArgv = prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}/${variant}`] : [];
  const child = fork(here('./serving-server.cjs'), [variant], {
    execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ask = (m) =>
    new Promise((resolve) => {
      child.once('message', resolve);
      child.send(m);
    });
  return new Promise((resolve) =>
    child.once('message', ({ port }) => resolve({ port, ask, child })),
  );
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const BODY = JSON.stringify({
  model: 'gpt-4o-mini',
  stream: true,
  messages: [{ role: 'user', content: 'hi' }],
});

function request(port, chunks) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        port,
        host: '127.0.0.1',
        path: '/v1/chat/completions',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'x-chunks': String(chunks) },
      },
      (res) => {
        res.on('data', () => {});
        res.on('end', resolve);
      },
    );
    req.on('error', reject);
    req.end(BODY);
  });
}

/** Server CPU (µs) per request of `chunks` chunks over `n` sequential requests. */
async function serverCpu(server, chunks, n) {
  const { cpuUs: c0 } = await server.ask('cpu');
  for (let i = 0; i < n; i++) await request(server.port, chunks);
  const { cpuUs: c1 } = await server.ask('cpu');
  return (c1 - c0) / n;
}

export async function measureServing() {
  const servers = { bare: await startServer('bare'), llmeter: await startServer('llmeter') };
  const best = {};
  const fastest = {
    bare: { 32: Infinity, 256: Infinity },
    llmeter: { 32: Infinity, 256: Infinity },
  };
  try {
    for (const s of Object.values(servers))
      for (const n of COUNTS) await serverCpu(s, n, REQUESTS[n]); // warm-up
    for (let b = 0; b < BLOCKS; b++) {
      const order = b % 2 === 0 ? ['bare', 'llmeter'] : ['llmeter', 'bare'];
      for (const v of order) {
        for (const n of COUNTS) {
          const us = await serverCpu(servers[v], n, REQUESTS[n]);
          fastest[v][n] = Math.min(fastest[v][n], us);
        }
      }
    }
    // Each size's best block on its own, then the slope: the best slope of single blocks
    // picked whichever block's noise made it flattest, with that block's 32-chunk figure.
    for (const [v, at] of Object.entries(fastest))
      best[v] = { perChunk: (at[256] - at[32]) / (256 - 32), per32: at[32] };
  } finally {
    for (const s of Object.values(servers)) s.ask('stop');
    agent.destroy();
  }
  return best;
}

/** The RESULTS.md appendix section. */
export async function servingSection() {
  const best = await measureServing();
  const f = (x) => x.toFixed(2);
  const signed = (x) => `${x >= 0 ? '+' : ''}${f(x)}`;
  return [
    '## Serving side',
    '',
    "`serving.mjs`: an Express 5 server with an OpenAI-compatible streamed route (`POST /v1/chat/completions`, one `res.write` per chunk), bare and behind `llmeterMiddleware()` + `llmeterServing()` with the client benchmark's sinks, each server in its own process, driven sequentially over loopback keep-alive by this process. Server CPU per chunk is the slope of the server's CPU per request between 32 and 256 chunks, each size's best of 9 alternating blocks.",
    '',
    '| server | CPU per request of 32 chunks | CPU per chunk (slope 32→256) |',
    '|---|---:|---:|',
    `| bare | ${f(best.bare.per32)} µs | ${f(best.bare.perChunk)} µs |`,
    `| llmeter | ${f(best.llmeter.per32)} µs | ${f(best.llmeter.perChunk)} µs |`,
    `| **llmeter overhead** | ${signed(best.llmeter.per32 - best.bare.per32)} µs | **${signed(best.llmeter.perChunk - best.bare.perChunk)} µs** |`,
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  process.stdout.write(`${await servingSection()}\n`);
