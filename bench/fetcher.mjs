// Times the fetch stage's main-thread CPU per request against a local node:http server that
// serves ~50 KB uncompressed pages (like `crawlite bench`'s site). The server runs in a child
// process, so process.cpuUsage() here is the client's alone. --polite goes through the whole
// polite stage (robots.txt, host schedule, host limits) as crawl.ts does; otherwise the bare
// fetcher, with the crawl's stop signal as the caller's signal.
//
//   npm run build && nice -n 5 node bench/fetcher.mjs [compiled-dir=dist] [--requests=5000] [--runs=3] [--concurrency=32] [--polite]
import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const flag = (name, fallback) => Number(args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const PAGE_BYTES = 50_000;

if (process.argv[2] === '--serve') {
  const { createServer } = await import('node:http');
  const body = Buffer.alloc(PAGE_BYTES, 'a');
  const server = createServer((req, res) => {
    if (req.url === '/robots.txt') {
      res.writeHead(404, { 'content-type': 'text/plain', 'content-length': 0 }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length, 'cache-control': 'max-age=60' });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send(server.address().port));
} else {
  const dir = resolve(args.find((a) => !a.startsWith('--')) ?? 'dist');
  const requests = flag('requests', 5000);
  const runs = flag('runs', 3);
  const concurrency = flag('concurrency', 32);
  const isPolite = args.includes('--polite');
  const load = (p) => import(pathToFileURL(resolve(dir, p)).href);
  const { defaultConfig } = await load('src/config/schema.js');
  const { createFetcher } = await load('src/fetch/fetcher.js');
  const { createPoliteStage } = await load('src/fetch/polite-stage.js');
  const { createHostLimits } = await load('src/fetch/host-limits.js');

  const child = fork(new URL(import.meta.url).pathname, ['--serve'], { stdio: 'inherit' });
  const port = await new Promise((ok) => child.once('message', ok));
  const origin = `http://127.0.0.1:${port}`;
  const base = defaultConfig().fetch;
  const config = { ...base, concurrency, perHost: concurrency };

  async function runOnce() {
    const stop = new AbortController();
    const limits = createHostLimits({ concurrency, perHost: concurrency });
    const polite = createPoliteStage({ config, limits, checkRedirect: () => null, signal: stop.signal });
    const fetcher = isPolite ? polite.fetcher : createFetcher({ config });
    let next = 0;
    let bytes = 0;
    const fetchOne = async (i) => {
      const entry = { id: i + 1, url: `${origin}/articles/${i}.html`, host: origin, depth: 1, attempt: 0 };
      if (!isPolite) return fetcher.fetch(entry, stop.signal);
      polite.schedule.take(origin);
      const out = await polite.fetchPolitely(entry);
      if (out.kind !== 'fetched') throw new Error(`${out.kind}: ${JSON.stringify(out).slice(0, 200)}`);
      return out.result;
    };
    const worker = async () => {
      while (next < requests) {
        const r = await fetchOne(next++);
        if ('code' in r) throw new Error(`${r.code}: ${r.message}`);
        bytes += r.body.byteLength;
      }
    };
    // One request first, so connecting and robots.txt are not timed.
    await fetchOne(requests);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - t0;
    await fetcher.close();
    return { cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / requests, wallMs, bytes };
  }

  const results = [];
  for (let r = 0; r < runs; r++) {
    const res = await runOnce();
    results.push(res);
    console.log(`run ${r + 1}: ${res.cpuMsPerRequest.toFixed(3)} ms CPU/request, ${(requests / res.wallMs * 1000).toFixed(0)} requests/s, ${(res.bytes / requests / 1000).toFixed(1)} KB each`);
  }
  child.kill();
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`median: ${median(results.map((r) => r.cpuMsPerRequest)).toFixed(3)} ms CPU/request over ${runs} runs of ${requests}${isPolite ? ' (polite stage)' : ''}`);
}
