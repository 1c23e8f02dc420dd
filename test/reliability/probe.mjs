// Loaded into the service under test with `node --import`: reports the
// service's own event-loop delay and memory to the soak harness, without any
// change to the service. GET /stats returns the figures since the last call
// and starts a new window; /stats?gc=1 runs a full GC first (with --expose-gc). Its listener is unref()ed: it never keeps the
// service alive, so the exit code the harness sees is the service's own.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
/** Anonymous resident memory (heaps, malloc; not the mapped node binary), in bytes, where /proc says. */
function rssAnonBytes() {
  try {
    const kB = Number(/^RssAnon:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
    return Number.isFinite(kB) ? kB * 1024 : undefined;
  } catch {
    return undefined;
  }
}
const ms = (ns) => Math.round((ns / 1e6) * 100) / 100;
let cpuBefore = process.cpuUsage();

const server = createServer((req, res) => {
  if (req.url !== '/stats' && req.url !== '/stats?gc=1') {
    res.writeHead(404).end();
    return;
  }
  // With --expose-gc, ?gc=1 collects first: heapUsed is then what is retained, the leak signal.
  if (req.url.endsWith('gc=1')) globalThis.gc?.();
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage(cpuBefore);
  cpuBefore = process.cpuUsage();
  const stats = {
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    // Where RSS beyond the retained heap sits: V8's reserved heap pages, or buffers outside it.
    heapTotalBytes: memory.heapTotal,
    externalBytes: memory.external,
    rssAnonBytes: rssAnonBytes(),
    eventLoopDelayMs: {
      p50: ms(delay.percentile(50)),
      p99: ms(delay.percentile(99)),
      max: ms(delay.max),
    },
  };
  delay.reset();
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
});
server.listen(0, '127.0.0.1', () => {
  server.unref();
  console.log(JSON.stringify({ msg: 'soak probe listening', port: server.address().port }));
});
