import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openForWrite } from '../../src/store/db.js';
import { createLinkInserter, type LinkRow } from '../../src/store/link-inserts.js';
import { tempDbPath } from '../helpers/config.js';

test('every count of links goes in whole, in order, the first of two links to one target kept', (t) => {
  const db = openForWrite(tempDbPath(t));
  t.after(() => db.close());
  const insert = createLinkInserter(db);
  const read = db.prepare<[number], { to_url_id: number; anchor: string; in_scope: number; is_nofollow: number }>(
    'SELECT to_url_id, anchor, in_scope, is_nofollow FROM links WHERE page_id = ? ORDER BY to_url_id',
  );
  // Runs of 64, 32, ... 1 rows: counts that use each statement size, and more than the largest.
  for (const count of [0, 1, 2, 3, 63, 64, 65, 127, 131, 200]) {
    const rows: LinkRow[] = Array.from({ length: count }, (_, i) => [i + 1, `anchor ${i}`, (i % 2) as 0 | 1, (i % 3 === 0 ? 1 : 0) as 0 | 1]);
    // A second link to target 1, last: its anchor and flags are not kept.
    if (count > 0) rows.push([1, 'again', 0, 0]);
    insert(count, rows);
    const stored = read.all(count);
    assert.equal(stored.length, count, `${count} links`);
    stored.forEach((row, i) => {
      assert.deepEqual(row, { to_url_id: i + 1, anchor: `anchor ${i}`, in_scope: i % 2, is_nofollow: i % 3 === 0 ? 1 : 0 });
    });
  }
});
