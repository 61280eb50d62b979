/**
 * store/claim-urls.ts picks the URLs the one (depth, id)-ordered query would pick, whichever path
 * it takes: nothing read when every queued host is full, per-host reads merged when a few are
 * not, the one query when many are not or the walk is long.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openForWrite } from '../../src/store/db.js';
import { prepareStatements } from '../../src/store/statements.js';
import { selectClaimable, type ClaimRow } from '../../src/store/claim-urls.js';
import { tempDbPath } from '../helpers/config.js';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const NOW = 1_000_000;

for (const hostCount of [1, 3, 17, 90]) {
  test(`claims match the one ordered query: ${hostCount} host(s), random queues, full hosts, due times and limits`, (t) => {
    const db = openForWrite(tempDbPath(t));
    t.after(() => db.close());
    const s = prepareStatements(db);
    const rnd = random(hostCount);
    const hosts = Array.from({ length: hostCount }, (_, i) => `http://h${i}.test:80`);
    const insert = db.prepare(`INSERT INTO urls (url, host, depth, state, discovered_at, updated_at, due_at) VALUES (?, ?, ?, ?, 0, 0, ?)`);
    db.transaction(() => {
      for (let i = 0; i < 3_000; i++) {
        // Skewed: host 0 holds most of the queue, as the one big site of a crawl does.
        const host = hosts[rnd() < 0.6 ? 0 : Math.floor(rnd() * hostCount)]!;
        const state = rnd() < 0.8 ? 'queued' : 'done';
        const due = rnd() < 0.1 ? NOW + (rnd() < 0.5 ? 1 : -1) * 1000 : null;
        insert.run(`${host}/p${i}`, host, Math.floor(rnd() * 6), state, due);
      }
    })();
    const reference = (exclude: string[], limit: number): ClaimRow[] =>
      (exclude.length === 0 ? s.claimAny.all(NOW, limit) : s.claimExcluding.all(NOW, JSON.stringify(exclude), limit)) as ClaimRow[];
    let nonEmpty = 0;
    for (let round = 0; round < 200; round++) {
      const exclude = hosts.filter(() => rnd() < (round % 2 === 0 ? 0.95 : 0.5));
      if (round % 10 === 0) exclude.splice(0, exclude.length, ...hosts); // every host full
      const limit = 1 + Math.floor(rnd() * 40);
      const got = selectClaimable(s, NOW, limit, exclude);
      assert.deepEqual(got, reference(exclude, limit), `round ${round}: excluding ${exclude.length} of ${hostCount}, limit ${limit}`);
      if (got.length > 0) nonEmpty++;
      if (exclude.length === hostCount) assert.deepEqual(got, []);
    }
    assert.ok(nonEmpty > 20, `many rounds claimed something (${nonEmpty})`);
  });
}

test('the queries asked on every idle turn use their index, not a walk of the queue', (t) => {
  // A fresh file has no ANALYZE statistics; then the planner picked urls_ready (state = ?) for the
  // next due time and read every queued row (40 ms a turn at 120,000 queued; QA).
  const db = openForWrite(tempDbPath(t));
  t.after(() => db.close());
  const s = prepareStatements(db);
  const plan = (stmt: { source: string }, ...args: unknown[]): string =>
    (db.prepare(`EXPLAIN QUERY PLAN ${stmt.source}`).all(...args) as Array<{ detail: string }>).map((r) => r.detail).join('; ');
  assert.match(plan(s.nextDueAt, NOW), /COVERING INDEX urls_due/);
  assert.match(plan(s.nextQueuedHost, ''), /urls_queued_host/);
  assert.match(plan(s.claimHost, 'http://h.test:80', NOW, 5), /urls_queued_host \(host=\?\)/);
  assert.doesNotMatch(plan(s.claimHost, 'http://h.test:80', NOW, 5), /TEMP B-TREE/);
  assert.doesNotMatch(plan(s.anyQueued), /SCAN urls\b(?! USING)/);
});
