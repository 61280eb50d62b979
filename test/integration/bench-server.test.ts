import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { startSiteServer } from '../../src/bench/serve-site.js';
import { generatePage } from '../../src/bench/site.js';

const SITE_SERVER = fileURLToPath(new URL('../../src/bench/site-server.js', import.meta.url));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // ESRCH: no such process. EPERM would mean alive but not ours, which a child cannot be.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

async function get(agent: Agent, url: string): Promise<{ status: number; type: string; length: string; body: string }> {
  const res = await request(url, { dispatcher: agent });
  const body = await res.body.text();
  return { status: res.statusCode, type: String(res.headers['content-type']), length: String(res.headers['content-length']), body };
}

/** Forks site-server.js directly (no serve-site wrapper) and waits for its ready message. */
async function forkServer(args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(SITE_SERVER, args, { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const [message] = (await once(child, 'message')) as [{ type: string; port: number }];
  assert.equal(message.type, 'ready');
  return { child, port: message.port };
}

async function exitWithin(child: ChildProcess, ms: number): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  assert.notEqual(signal, 'SIGKILL', `the child did not exit by itself within ${ms} ms`);
  return code;
}

test('serves pages, robots.txt and 404s, counts them, and close() ends the child', async (t) => {
  const server = await startSiteServer({ pages: 50 });
  t.after(() => server.close());
  const agent = new Agent({ keepAliveTimeout: 10 });
  t.after(() => agent.close());

  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.equal(server.url, `${server.origin}/`);

  const home = await get(agent, server.url);
  assert.equal(home.status, 200);
  assert.equal(home.type, 'text/html; charset=utf-8');
  assert.equal(Number(home.length), Buffer.byteLength(home.body));
  // The child renders the same bytes as this process: the site is deterministic across processes.
  assert.equal(home.body, generatePage(0, { pages: 50 }));

  const page = await get(agent, `${server.origin}/articles/49.html?utm_source=test`);
  assert.equal(page.status, 200);
  assert.equal(page.type, 'text/html; charset=utf-8');
  assert.equal(page.body, generatePage(49, { pages: 50 }));

  const missing = [];
  for (const path of ['/articles/50.html', '/nope', '/articles/07.html']) {
    missing.push(await get(agent, `${server.origin}${path}`));
    assert.equal(missing.at(-1)?.status, 404, path);
  }

  const robots = await get(agent, `${server.origin}/robots.txt`);
  assert.equal(robots.status, 200);
  assert.match(robots.body, /^User-agent: \*\nAllow: \/$/m);

  const stats = await server.stats();
  assert.equal(stats.requests, 6);
  const bodies = [home, page, ...missing, robots].map((res) => Buffer.byteLength(res.body));
  assert.equal(stats.bytes, bodies.reduce((sum, bytes) => sum + bytes, 0));
  // Concurrent stats() calls are answered in order.
  const [first, second] = await Promise.all([server.stats(), server.stats()]);
  assert.deepEqual(first, stats);
  assert.deepEqual(second, stats);

  assert.ok(isAlive(server.pid));
  await server.close();
  assert.equal(isAlive(server.pid), false);
  await server.close(); // a second close is harmless
  await assert.rejects(server.stats(), { code: 'CRAWL_BENCH_FAILED' });
});

test('pages past the pre-render budget are rendered per request, with the same bytes', async (t) => {
  // ~2 pages of 50 KB fit in 120,000 bytes; the rest take the per-request path.
  const server = await startSiteServer({ pages: 50, prerenderBytes: 120_000 });
  t.after(() => server.close());
  const agent = new Agent({ keepAliveTimeout: 10 });
  t.after(() => agent.close());
  for (const index of [0, 1, 2, 3, 48, 49]) {
    const res = await get(agent, `${server.origin}${index === 0 ? '/' : `/articles/${index}.html`}`);
    assert.equal(res.status, 200);
    assert.equal(res.body, generatePage(index, { pages: 50 }), `page ${index}`);
  }
});

test('a port in use makes the server exit with a one-line error', async (t) => {
  const holder = await forkServer(['--pages', '1']);
  t.after(() => holder.child.kill());
  const child = fork(SITE_SERVER, ['--pages', '1', '--port', String(holder.port)], {
    execArgv: [],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  assert.equal(await exitWithin(child, 5_000), 1);
  assert.match(stderr, /^site-server: .*EADDRINUSE.*\n$/);
});

test('keep-alive: many requests reuse a few connections', async (t) => {
  const server = await startSiteServer({ pages: 200, pageBytes: 5_000 });
  t.after(() => server.close());
  let connections = 0;
  const agent = new Agent({ keepAliveTimeout: 10, connections: 4 }).on('connect', () => connections++);
  t.after(() => agent.close());
  await Promise.all(
    Array.from({ length: 200 }, async (_, i) => {
      const res = await get(agent, `${server.origin}${i === 0 ? '/' : `/articles/${i}.html`}`);
      assert.equal(res.status, 200);
    }),
  );
  assert.ok(connections <= 4, `${connections} connections for 200 requests`);
  assert.equal((await server.stats()).requests, 200);
});

test('the server exits when its parent disconnects', async () => {
  const { child } = await forkServer(['--pages', '5']);
  child.disconnect();
  assert.equal(await exitWithin(child, 5_000), 0);
});

test('the server exits by itself after --max-lifetime-ms', async () => {
  const { child } = await forkServer(['--pages', '5', '--max-lifetime-ms', '200']);
  assert.equal(await exitWithin(child, 5_000), 0);
});

test('bad arguments make the server exit with code 2', async () => {
  const child = fork(SITE_SERVER, ['--pages', 'ten'], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  assert.equal(await exitWithin(child, 5_000), 2);
  assert.match(stderr, /--pages must be an integer, got 'ten'/);
});

test('startSiteServer rejects bad options and a server that does not start in time', async () => {
  await assert.rejects(startSiteServer({ pages: 0 }), { name: 'RangeError' });
  await assert.rejects(startSiteServer({ pages: 5, startTimeoutMs: 1 }), {
    code: 'CRAWL_BENCH_FAILED',
    message: /did not start within 1 ms/,
  });
});
