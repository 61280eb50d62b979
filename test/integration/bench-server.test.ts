import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { createHttpResponder } from '../../src/bench/http-responder.js';
import { createResponse } from '../../src/bench/http-response.js';
import { startSiteServer, type SiteServer } from '../../src/bench/serve-site.js';
import { generatePage, renderPage } from '../../src/bench/site.js';

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

interface RawResponse {
  status: number;
  /** Lower-cased names. */
  headers: Map<string, string>;
  body: Buffer;
}

/** One response from the front of `buf`, or undefined if it has not all arrived. */
function parseResponse(buf: Buffer, isHead: boolean): { response: RawResponse; size: number } | undefined {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd === -1) return undefined;
  const [statusLine, ...fields] = buf.toString('latin1', 0, headEnd).split('\r\n');
  const status = /^HTTP\/1\.1 (\d{3}) [A-Za-z ]+$/.exec(statusLine as string)?.[1];
  assert.ok(status !== undefined, `bad status line: ${statusLine}`);
  const headers = new Map(fields.map((field) => [field.slice(0, field.indexOf(':')).toLowerCase(), field.slice(field.indexOf(':') + 1).trim()]));
  const length = headers.get('content-length');
  assert.match(length ?? '', /^\d+$/, 'every response has a Content-Length');
  assert.equal(headers.has('transfer-encoding'), false);
  const size = headEnd + 4 + (isHead ? 0 : Number(length));
  if (buf.length < size) return undefined;
  return { response: { status: Number(status), headers, body: buf.subarray(headEnd + 4, size) }, size };
}

/** A bare TCP client: the test decides exactly which bytes go out in which write. */
function connectRaw(port: number): { socket: Socket; read: (isHead?: boolean) => Promise<RawResponse>; ended: Promise<Buffer> } {
  const socket = connect(port, '127.0.0.1').setNoDelay(true);
  let buf = Buffer.alloc(0);
  let wake: (() => void) | undefined;
  let isEnded = false;
  socket.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    wake?.();
  });
  /** Resolves with what arrived but was not read, once the server has closed its side. */
  const ended = new Promise<Buffer>((resolve, reject) => {
    socket.on('end', () => {
      isEnded = true;
      wake?.();
      resolve(buf);
    });
    socket.on('error', reject);
  });
  const read = async (isHead = false): Promise<RawResponse> => {
    for (;;) {
      const parsed = parseResponse(buf, isHead);
      if (parsed !== undefined) {
        buf = buf.subarray(parsed.size);
        return parsed.response;
      }
      if (isEnded) throw new Error(`the server closed the connection with ${buf.length} bytes unread`);
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  return { socket, read, ended };
}

const PAGES = 120;
const getText = (path: string, extra = ''): string => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`;

describe('HTTP/1.1 on the wire', { timeout: 20_000 }, () => {
  let server: SiteServer;
  let port: number;
  before(async () => {
    server = await startSiteServer({ pages: PAGES });
    port = Number(new URL(server.origin).port);
  });
  after(() => server.close());

  test('keep-alive: sequential requests share one connection, which stays open', async (t) => {
    const client = connectRaw(port);
    t.after(() => client.socket.destroy());
    for (const index of [0, 7, 99]) {
      client.socket.write(getText(index === 0 ? '/' : `/articles/${index}.html`));
      const res = await client.read();
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(res.headers.get('connection'), 'keep-alive');
      assert.deepEqual(res.body, renderPage(index, { pages: PAGES }));
    }
    assert.equal(client.socket.readyState, 'open');
  });

  test('three pipelined requests in one write are answered in order; HEAD has no body and counts 0 bytes', async (t) => {
    const client = connectRaw(port);
    t.after(() => client.socket.destroy());
    const statsBefore = await server.stats();
    client.socket.write(getText('/articles/3.html') + 'HEAD /articles/4.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' + getText('/robots.txt'));
    const page = await client.read();
    const head = await client.read(true);
    const robots = await client.read();
    assert.deepEqual(page.body, renderPage(3, { pages: PAGES }));
    assert.equal(head.status, 200);
    assert.equal(Number(head.headers.get('content-length')), renderPage(4, { pages: PAGES }).length);
    // Had HEAD sent a body, its bytes would have been parsed here as the third response's head.
    assert.equal(robots.status, 200);
    assert.equal(robots.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(robots.body.toString(), 'User-agent: *\nAllow: /\n');
    const statsAfter = await server.stats();
    assert.equal(statsAfter.requests - statsBefore.requests, 3);
    assert.equal(statsAfter.bytes - statsBefore.bytes, page.body.length + robots.body.length);
  });

  test('a request split across two writes, mid-header, is answered once whole', async (t) => {
    const client = connectRaw(port);
    t.after(() => client.socket.destroy());
    const text = getText('/static/site.css', 'User-Agent: split-test\r\n');
    const cut = text.indexOf('split-') + 3;
    client.socket.write(text.slice(0, cut));
    // Long enough for the first part to arrive, and be looked at, on its own.
    await sleep(50);
    client.socket.write(text.slice(cut));
    const res = await client.read();
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/css; charset=utf-8');
    assert.match(res.body.toString(), /^body\{/);
  });

  test('unknown paths get the 404 page, other methods a 405 with Allow, and the connection stays usable', async (t) => {
    const client = connectRaw(port);
    t.after(() => client.socket.destroy());
    client.socket.write(getText(`/articles/${PAGES}.html`) + 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n' + 'DELETE /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n');
    const missing = await client.read();
    assert.equal(missing.status, 404);
    assert.match(missing.body.toString(), /<title>Not found<\/title>/);
    for (const res of [await client.read(), await client.read()]) {
      assert.equal(res.status, 405);
      assert.equal(res.headers.get('allow'), 'GET, HEAD');
    }
    client.socket.write(getText('/'));
    assert.equal((await client.read()).status, 200);
  });

  test('absolute-form targets and query strings name the same pages', async (t) => {
    const client = connectRaw(port);
    t.after(() => client.socket.destroy());
    client.socket.write(getText(`http://127.0.0.1:${port}/articles/5.html?x=1`) + getText(`http://127.0.0.1:${port}`) + getText('/?utm=1'));
    assert.deepEqual((await client.read()).body, renderPage(5, { pages: PAGES }));
    assert.deepEqual((await client.read()).body, renderPage(0, { pages: PAGES }));
    assert.deepEqual((await client.read()).body, renderPage(0, { pages: PAGES }));
  });

  test('Connection: close, and HTTP/1.0 without keep-alive, get their response and then a close', async () => {
    for (const [text, index] of [
      [getText('/articles/1.html', 'Connection: close\r\n') + getText('/'), 1],
      ['GET /articles/2.html HTTP/1.0\r\n\r\n' + getText('/'), 2],
    ] as const) {
      const client = connectRaw(port);
      client.socket.write(text);
      const res = await client.read();
      assert.equal(res.headers.get('connection'), 'close');
      assert.deepEqual(res.body, renderPage(index, { pages: PAGES }));
      // The pipelined request after the close is not answered.
      assert.equal((await client.ended).length, 0);
    }
  });

  test('HTTP/1.0 with Connection: keep-alive keeps the connection', async (t) => {
    const client = connectRaw(port);
    t.after(() => client.socket.destroy());
    client.socket.write('GET /robots.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\nHEAD / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    assert.equal((await client.read()).headers.get('connection'), 'keep-alive');
    assert.equal((await client.read(true)).status, 200);
    assert.equal(client.socket.readyState, 'open');
  });

  test('bad requests get a 400 (505 for HTTP/2) and a close', async () => {
    const cases: Array<[string, number]> = [
      [`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`, 400], // head over 16 KB
      [`GET /${'a'.repeat(17 * 1024)}`, 400], // over 16 KB and still no line end
      ['\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n', 400], // a TLS ClientHello
      ['GET / HTTP/1.1\r\n\r\n', 400], // no Host
      ['GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n', 400], // obs-fold
      ['GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello', 400], // a body
      ['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
      ['GET / HTTP/2.0\r\n\r\n', 505],
    ];
    for (const [text, status] of cases) {
      const client = connectRaw(port);
      client.socket.write(text);
      const res = await client.read();
      assert.equal(res.status, status, JSON.stringify(text.slice(0, 60)));
      assert.equal(res.headers.get('connection'), 'close');
      await client.ended;
    }
  });

  test('300 pipelined page requests from a client that is not reading yet all arrive whole and in order', async (t) => {
    const client = connectRaw(port);
    t.after(() => client.socket.destroy());
    // ~15 MB of responses: more than the socket buffers hold, so the server has to stop reading
    // requests until the client drains what is queued, and then go on where it stopped. The
    // client half-closes after its last request, as it may: that must not cut the answers short.
    const indexes = Array.from({ length: 300 }, (_, i) => (i * 37) % PAGES);
    client.socket.pause();
    client.socket.end(indexes.map((index) => getText(index === 0 ? '/' : `/articles/${index}.html`)).join(''));
    await sleep(300);
    client.socket.resume();
    for (const index of indexes) assert.deepEqual((await client.read()).body, renderPage(index, { pages: PAGES }), `page ${index}`);
    // Then the server closes its side too.
    assert.equal((await client.ended).length, 0);
  });
});

test('an idle connection is closed after the idle timeout', async (t) => {
  const ok = createResponse(200, 'text/plain; charset=utf-8', Buffer.from('ok\n'));
  const responder = createHttpResponder({ route: () => ok, idleTimeoutMs: 200 });
  responder.server.listen(0, '127.0.0.1');
  await once(responder.server, 'listening');
  t.after(() => responder.server.close());
  const client = connectRaw((responder.server.address() as AddressInfo).port);
  t.after(() => client.socket.destroy());
  client.socket.write(getText('/'));
  assert.equal((await client.read()).body.toString(), 'ok\n');
  const answeredAt = performance.now();
  // The server destroys the socket, which the client sees as an end (or a reset).
  await Promise.race([client.ended.catch(() => undefined), once(client.socket, 'close')]);
  assert.ok(performance.now() - answeredAt >= 150, 'closed before the idle timeout');
  assert.deepEqual(responder.stats(), { responses: 1, bodyBytes: 3 });
});

test('a request head not complete within the head timeout is closed, however steadily it drips; an idle keep-alive connection is not', async (t) => {
  const ok = createResponse(200, 'text/plain; charset=utf-8', Buffer.from('ok\n'));
  // The idle timeout is far away: only the head timeout can close these connections in time.
  const responder = createHttpResponder({ route: () => ok, idleTimeoutMs: 30_000, headTimeoutMs: 300 });
  responder.server.listen(0, '127.0.0.1');
  await once(responder.server, 'listening');
  t.after(() => responder.server.close());
  const port = (responder.server.address() as AddressInfo).port;
  const closedWithin = async (client: ReturnType<typeof connectRaw>, startedAt: number): Promise<number> => {
    await Promise.race([client.ended.catch(() => undefined), once(client.socket, 'close')]);
    return performance.now() - startedAt;
  };

  // Slowloris: one byte of a head every 50 ms, each well inside the idle timeout.
  const dripped = connectRaw(port);
  t.after(() => dripped.socket.destroy());
  const dripStart = performance.now();
  const text = getText('/', `X-Slow: ${'s'.repeat(200)}\r\n`);
  let sent = 0;
  const drip = setInterval(() => {
    if (!dripped.socket.destroyed && sent < text.length) dripped.socket.write(text[sent++]!);
  }, 50);
  t.after(() => clearInterval(drip));
  const dripMs = await closedWithin(dripped, dripStart);
  clearInterval(drip);
  assert.ok(dripMs >= 250 && dripMs < 5_000, `dripped head closed after ${dripMs.toFixed(0)} ms`);
  assert.ok(sent < text.length, 'the head was still incomplete when the connection closed');

  // A connection that opens and sends nothing.
  const silent = connectRaw(port);
  t.after(() => silent.socket.destroy());
  const silentMs = await closedWithin(silent, performance.now());
  assert.ok(silentMs >= 250 && silentMs < 5_000, `silent connection closed after ${silentMs.toFixed(0)} ms`);

  // Between keep-alive requests the head timeout does not run: the connection outlives it.
  const kept = connectRaw(port);
  t.after(() => kept.socket.destroy());
  kept.socket.write(getText('/'));
  assert.equal((await kept.read()).body.toString(), 'ok\n');
  await sleep(600);
  assert.equal(kept.socket.readyState, 'open');
  kept.socket.write(getText('/again'));
  assert.equal((await kept.read()).body.toString(), 'ok\n');
  assert.equal(responder.stats().responses, 2, 'the incomplete heads got no answer');
});
