/**
 * Huge bodies fetched at once are held to the body budget (body-budget.ts) by the real fetcher on
 * a real server: readers past the bound pause while the bodies read already wait downstream, a
 * pause does not count against the fetch's timeout, and every body comes whole once it moves on.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import zlib from 'node:zlib';
import { BodyBudget, type BodyReader } from '../../src/fetch/body-budget.js';
import { createFetcher } from '../../src/fetch/fetcher.js';
import { originKey } from '../../src/frontier/normalize-url.js';
import type { FetchFailure, FetchResult } from '../../src/types.js';
import { assertResult, testFetchConfig } from '../helpers/fetch.js';

const BODY_BYTES = 2 * 1024 * 1024;
const LIMIT = 3 * 1024 * 1024;
const FETCHES = 6;

const page = (n: number): Buffer => Buffer.alloc(BODY_BYTES, `page ${n} `);

async function startServer(t: TestContext): Promise<string> {
  // Half identity with a Content-Length (read into one buffer), half gzip, chunked (read through the decoder).
  const server = http.createServer((req, res) => {
    const n = Number(req.url?.slice(3));
    if (n % 2 === 0) {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': BODY_BYTES }).end(page(n));
    } else {
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }).end(zlib.gzipSync(page(n), { level: 1 }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 30_000) assert.fail('the fetches never settled');
    await sleep(10);
  }
}

test('huge bodies fetched at once pause at the budget while read bodies wait, then all come whole', async (t) => {
  const base = await startServer(t);
  // What the test holds stands for the parse pool's queue: bodies read, waiting for a thread.
  let waiting = 0;
  const budget = new BodyBudget(LIMIT, () => waiting);
  let mostHeld = 0;
  const open = budget.open.bind(budget);
  budget.open = (): BodyReader => {
    const reader = open();
    const note = (wait: Promise<void> | null): Promise<void> | null => {
      mostHeld = Math.max(mostHeld, budget.readingBytes + waiting);
      return wait?.then(() => void (mostHeld = Math.max(mostHeld, budget.readingBytes + waiting))) ?? null;
    };
    return { reserve: (bytes) => note(reader.reserve(bytes)), add: (bytes) => note(reader.add(bytes)), close: reader.close };
  };
  // A timeout shorter than the hold below: the held time must not count against it.
  const fetcher = createFetcher({ config: testFetchConfig({ perHost: FETCHES, concurrency: FETCHES, timeoutMs: 1_500, maxBodyBytes: 4 * BODY_BYTES }), bodyBudget: budget });
  t.after(() => fetcher.close());

  let done = 0;
  let isHolding = true;
  const results = Array.from({ length: FETCHES }, (_, n) => {
    const url = `${base}/p/${n}`;
    return fetcher.fetch({ id: n + 1, url, host: originKey(url), depth: 0, attempt: 0 }).then((r: FetchResult | FetchFailure) => {
      if (isHolding && 'body' in r) waiting += r.body.byteLength;
      done++;
      return r;
    });
  });
  await until(() => done >= 1 && done + budget.paused === FETCHES);
  assert.ok(done < FETCHES, `${done} of ${FETCHES} bodies read while the first waited downstream`);
  assert.ok(budget.paused > 0);
  const pausedAtBound = budget.paused;

  await sleep(2_000);
  assert.equal(done + budget.paused, FETCHES, 'still held after longer than the timeout');
  // The bodies go on downstream: the held readers read on, and none timed out while held.
  isHolding = false;
  waiting = 0;
  budget.wake();
  const all = await Promise.all(results);
  for (const [n, r] of all.entries()) {
    assertResult(r);
    assert.equal(r.status, 200);
    assert.ok(Buffer.from(r.body).equals(page(n)), `body ${n} whole`);
  }
  assert.equal(budget.readingBytes, 0);
  assert.ok(pausedAtBound >= 1);
  // The bound holds to about one body beyond it (the oldest reader's) and a chunk or two a reader.
  assert.ok(mostHeld <= LIMIT + BODY_BYTES + FETCHES * 128 * 1024, `held at most ${mostHeld} bytes`);
});
