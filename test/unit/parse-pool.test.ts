import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GROW_AFTER_MS, ParsePool, QUEUED_BYTES_PER_WORKER } from '../../src/parse/pool.js';
import { parsePage } from '../../src/parse/parse-page.js';
import type { ParseTask } from '../../src/types.js';

// Compiled fixtures sit beside the compiled tests, so resolve from this file's own URL.
const FAULTY_WORKER = new URL('../fixtures/faulty-worker.js', import.meta.url);
const PAGE_URL = 'https://example.org/articles/one.html';

function htmlTask(html: string, extra: Partial<ParseTask> = {}): ParseTask {
  // A fresh ArrayBuffer per body (not Node's shared Buffer pool), as the fetcher produces.
  return { url: PAGE_URL, contentType: 'text/html; charset=utf-8', body: new TextEncoder().encode(html), isHtml: true, maxLinks: 50, ...extra };
}

const PAGE = '<html lang="en"><head><title>One</title><link rel="canonical" href="/one"></head><body>' +
  '<p>Hello <a href="/two">two</a> and <a href="https://other.example/x" rel="nofollow">x</a>.</p></body></html>';

/** parsePage on a copy, so the original body can still be transferred to the pool. */
const inline = (task: ParseTask) => parsePage({ ...task, body: task.body.slice() });

describe('ParsePool with worker threads', () => {
  it('returns what parsePage returns inline, and transfers the body', async (t) => {
    const pool = new ParsePool({ workers: 2, maxLinksPerPage: 50, taskTimeoutMs: 10_000 });
    t.after(() => pool.close());
    assert.equal(pool.size, 2);
    const windows1251 = htmlTask('', {
      contentType: 'text/html',
      body: Uint8Array.from(Buffer.from('<meta charset="windows-1251"><title>\xcf\xf0\xe8\xe2\xe5\xf2</title>', 'latin1')),
    });
    const tasks = [
      htmlTask(PAGE),
      windows1251,
      { ...htmlTask(''), body: Uint8Array.of(0x25, 0x50, 0x44, 0x46, 0x00, 0xff), contentType: 'application/pdf', isHtml: false },
    ];
    for (const task of tasks) {
      const expected = inline(task);
      const outcome = await pool.run(task);
      assert.deepEqual(outcome, expected);
      assert.equal(task.body.byteLength, 0, 'an owned body is transferred, not copied');
    }
    const first = inline(htmlTask(PAGE));
    assert.ok(first.ok);
    assert.equal(first.title, 'One');
    assert.equal(first.links.length, 2);
    const cyrillic = await pool.run(htmlTask('', { contentType: 'text/html', body: Buffer.from('<meta charset="windows-1251"><title>\xcf\xf0\xe8\xe2\xe5\xf2</title>', 'latin1') }));
    assert.ok(cyrillic.ok);
    assert.deepEqual([cyrillic.title, cyrillic.encoding], ['Привет', 'windows-1251']);
  });

  it('copies, never transfers, a body that shares its ArrayBuffer', async (t) => {
    const pool = new ParsePool({ workers: 1, maxLinksPerPage: 50, taskTimeoutMs: 10_000 });
    t.after(() => pool.close());
    const shared = new Uint8Array(1024);
    const bytes = new TextEncoder().encode('<title>slice</title>');
    shared.set(bytes, 100);
    const neighbour = shared.subarray(0, 100);
    neighbour.fill(7);
    const task = htmlTask('', { body: shared.subarray(100, 100 + bytes.length) });
    const outcome = await pool.run(task);
    assert.ok(outcome.ok);
    assert.equal(outcome.title, 'slice');
    assert.equal(task.body.byteLength, bytes.length, 'the slice is still usable');
    assert.equal(neighbour[99], 7, 'unrelated data in the same ArrayBuffer is intact');
  });

  it('bounds the tasks it holds when producers wait for room', async (t) => {
    const pool = new ParsePool({ workers: 1, maxLinksPerPage: 50, taskTimeoutMs: 10_000 });
    t.after(() => pool.close());
    let most = 0;
    const runs: Array<Promise<unknown>> = [];
    for (let i = 0; i < 30; i++) {
      await pool.onRoom();
      assert.ok(pool.hasRoom);
      runs.push(pool.run(htmlTask(`<p>page ${i}</p>`)));
      most = Math.max(most, pool.pending);
    }
    const outcomes = await Promise.all(runs);
    assert.ok(outcomes.every((o) => (o as { ok: boolean }).ok));
    assert.ok(most <= 5, `held ${most} tasks, bound is 1 running + 4 queued`);
    assert.equal(most, 5, 'the queue does fill up to its bound');
    assert.equal(pool.pending, 0);
  });

  it('has no room while its waiting bodies reach the byte bound, whatever their count', async (t) => {
    const pool = new ParsePool({ workers: 1, maxLinksPerPage: 50, taskTimeoutMs: 10_000 });
    t.after(() => pool.close());
    const running = pool.run(htmlTask(PAGE)); // handed to the thread at once: not waiting
    assert.equal(pool.queuedBytes, 0);
    assert.equal(pool.isFullOfBytes, false);
    const big = htmlTask(`<p>${'x'.repeat(QUEUED_BYTES_PER_WORKER)}</p>`);
    const size = big.body.byteLength;
    const waiting = pool.run(big);
    assert.equal(pool.queuedBytes, size);
    assert.equal(pool.pending, 2, 'far below the count bound of 5');
    assert.equal(pool.hasRoom, false);
    assert.equal(pool.isFullOfBytes, true, 'what the crawl\'s scheduler asks before starting a fetch');
    let isWoken = false;
    const room = pool.onRoom().then(() => (isWoken = true));
    // The fetch stage's body budget is told when waiting bytes go to a thread.
    const dequeuedWith: number[] = [];
    pool.onDequeued(() => dequeuedWith.push(pool.queuedBytes));
    await running;
    // The big body went to the thread when the first task ended: nothing waits any more.
    assert.deepEqual(dequeuedWith, [0]);
    assert.equal(pool.queuedBytes, 0);
    assert.equal(pool.isFullOfBytes, false);
    await room;
    assert.ok(isWoken);
    assert.ok(pool.hasRoom);
    const outcome = await waiting;
    assert.ok(outcome.ok);
    assert.equal(pool.queuedBytes, 0);
  });

  it('runs inline when workers is 0', async () => {
    const pool = new ParsePool({ workers: 0, maxLinksPerPage: 50, taskTimeoutMs: 10_000 });
    assert.equal(pool.size, 0);
    assert.ok(pool.hasRoom);
    const task = htmlTask(PAGE);
    assert.deepEqual(await pool.run(task), inline(task));
    await pool.close();
  });

  it('rejects work after close() and closes cleanly', async () => {
    const pool = new ParsePool({ workers: 1, maxLinksPerPage: 50, taskTimeoutMs: 10_000 });
    const outcome = await pool.run(htmlTask(PAGE));
    assert.ok(outcome.ok);
    await pool.close();
    await assert.rejects(pool.run(htmlTask(PAGE)), { code: 'CRAWL_PARSE_FAILED' });
  });

  it('rejects a bad worker count with a message naming it', () => {
    assert.throws(() => new ParsePool({ workers: -1, maxLinksPerPage: 1, taskTimeoutMs: 1 }), /workers .* -1/);
  });
});

describe('ParsePool faults', () => {
  const pool = () => {
    const p = new ParsePool({ workers: 1, maxLinksPerPage: 50, taskTimeoutMs: 1500, workerUrl: FAULTY_WORKER });
    return p;
  };
  const expectRecovery = async (p: ParsePool) => {
    const next = await p.run(htmlTask(PAGE));
    assert.ok(next.ok, 'the pool parses the next page');
    assert.equal(next.title, 'One');
  };

  it('turns a throwing task into a failure code and keeps going', async (t) => {
    const p = pool();
    t.after(() => p.close());
    const outcome = await p.run(htmlTask('<p>FAULT:THROW</p>'));
    assert.equal(outcome.ok, false);
    assert.ok(!outcome.ok && ['CRAWL_PARSE_FAILED', 'CRAWL_PARSE_CRASHED'].includes(outcome.code), JSON.stringify(outcome));
    assert.match(!outcome.ok ? outcome.message : '', /injected throw/);
    await expectRecovery(p);
  });

  it('reports a thread that exits as CRAWL_PARSE_CRASHED and replaces it', async (t) => {
    const p = pool();
    t.after(() => p.close());
    const outcome = await p.run(htmlTask('<p>FAULT:EXIT</p>'));
    assert.deepEqual(outcome.ok ? null : outcome.code, 'CRAWL_PARSE_CRASHED');
    await expectRecovery(p);
  });

  it('reports an uncaught exception in the thread as CRAWL_PARSE_CRASHED', async (t) => {
    const p = pool();
    t.after(() => p.close());
    const outcome = await p.run(htmlTask('<p>FAULT:UNCAUGHT</p>'));
    assert.deepEqual(outcome.ok ? null : outcome.code, 'CRAWL_PARSE_CRASHED');
    assert.match(!outcome.ok ? outcome.message : '', /injected uncaught/);
    await expectRecovery(p);
  });

  it('abandons a task past taskTimeoutMs as CRAWL_PARSE_TIMEOUT, with tasks queued behind it', async (t) => {
    const p = pool();
    t.after(() => p.close());
    const hung = p.run(htmlTask('<p>FAULT:HANG</p>'));
    const queued = p.run(htmlTask(PAGE));
    assert.equal(p.queued, 1);
    const outcome = await hung;
    assert.deepEqual(outcome.ok ? null : outcome.code, 'CRAWL_PARSE_TIMEOUT');
    const after = await queued;
    assert.ok(after.ok, 'the queued page ran on the replacement thread');
    await expectRecovery(p);
  });
});

describe('ParsePool threads, started as the work asks for them', () => {
  const slowPage = (i: number) => htmlTask(`<title>x</title><p>FAULT:SLOW ${i}</p>`);

  it('parses a few pages on one thread: the next starts only while tasks wait past GROW_AFTER_MS', async (t) => {
    const p = new ParsePool({ workers: 2, maxLinksPerPage: 50, taskTimeoutMs: 10_000, workerUrl: FAULTY_WORKER });
    t.after(() => p.close());
    assert.equal(p.threads, 1);
    for (let i = 0; i < 5; i++) {
      const outcome = await p.run(htmlTask(PAGE)); // one at a time: nothing ever waits for a thread
      assert.ok(outcome.ok);
    }
    assert.equal(p.threads, 1);
    assert.equal(p.size, 2);
  });

  it('adds the next thread while tasks keep waiting, and both threads run tasks', async (t) => {
    const p = new ParsePool({ workers: 2, maxLinksPerPage: 50, taskTimeoutMs: 10_000, workerUrl: FAULTY_WORKER });
    t.after(() => p.close());
    // 300 ms a page: the second and later pages wait for the one thread far longer than GROW_AFTER_MS.
    assert.ok(GROW_AFTER_MS < 300);
    const outcomes = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => p.run(slowPage(i))));
    assert.equal(p.threads, 2);
    const threads = new Set(outcomes.map((o) => (o.ok ? o.title : `failed ${o.code}`)));
    assert.equal(threads.size, 2, [...threads].join(', '));
    for (const name of threads) assert.match(String(name), /^thread \d+$/);
  });

  it('never starts more threads than workers', async (t) => {
    const p = new ParsePool({ workers: 1, maxLinksPerPage: 50, taskTimeoutMs: 10_000, workerUrl: FAULTY_WORKER });
    t.after(() => p.close());
    const outcomes = await Promise.all([0, 1, 2].map((i) => p.run(slowPage(i))));
    assert.equal(p.threads, 1);
    assert.equal(new Set(outcomes.map((o) => (o.ok ? o.title : o.code))).size, 1);
  });

  it('a worker module that fails to load fails each task, and the pool still closes', async (t) => {
    const p = new ParsePool({ workers: 2, maxLinksPerPage: 50, taskTimeoutMs: 10_000, workerUrl: new URL('../fixtures/no-such-worker.js', import.meta.url) });
    t.after(() => p.close());
    // The thread imports the module as it starts, before any task; each task still gets the failure.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (let i = 0; i < 2; i++) {
      const outcome = await p.run(htmlTask(PAGE));
      assert.equal(outcome.ok, false);
      assert.ok(!outcome.ok && ['CRAWL_PARSE_FAILED', 'CRAWL_PARSE_CRASHED'].includes(outcome.code), JSON.stringify(outcome));
      assert.match(!outcome.ok ? outcome.message : '', /no-such-worker/);
    }
  });

  it('close() twice: the second waits for the first', async () => {
    const p = new ParsePool({ workers: 1, maxLinksPerPage: 50, taskTimeoutMs: 10_000 });
    const outcome = p.run(htmlTask(PAGE));
    await Promise.all([p.close(), p.close()]);
    assert.ok((await outcome).ok, 'the accepted task finished before the threads stopped');
    await assert.rejects(p.run(htmlTask(PAGE)));
  });
});
