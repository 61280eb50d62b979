/** --since/--until: which instant a time names, whatever the machine's time zone (QA). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilter } from '../../src/export/filters.js';

const instant = (flags: { since?: string; until?: string }): number => parseFilter(flags).params[0] as number;

test('a time without an offset is UTC, like a date alone and every time crawlite prints, on a machine outside UTC', (t) => {
  const saved = process.env.TZ;
  // Node re-reads TZ when it is set, so Date.parse below runs as on a machine in New York.
  process.env.TZ = 'America/New_York';
  t.after(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });
  assert.equal(new Date(2026, 10, 1).getTimezoneOffset(), 240, 'the zone took effect');
  assert.equal(instant({ since: '2026-11-01' }), Date.UTC(2026, 10, 1));
  assert.equal(instant({ since: '2026-11-01T12:00' }), Date.UTC(2026, 10, 1, 12));
  assert.equal(instant({ until: '2026-11-01 12:00:30.5' }), Date.UTC(2026, 10, 1, 12, 0, 30, 500));
  // An offset given is kept.
  assert.equal(instant({ since: '2026-11-01T12:00:00Z' }), Date.UTC(2026, 10, 1, 12));
  assert.equal(instant({ since: '2026-11-01T12:00+01:00' }), Date.UTC(2026, 10, 1, 11));
  assert.equal(instant({ since: '2026-11-01T12:00-0500' }), Date.UTC(2026, 10, 1, 17));
  // So a window of a date and a time spans what it says: 12 hours.
  const { params } = parseFilter({ since: '2026-11-01', until: '2026-11-01T12:00' });
  assert.equal((params[1] as number) - (params[0] as number), 12 * 3600_000);
  assert.throws(() => parseFilter({ since: '2026-11-01T25:00' }), /invalid --since '2026-11-01T25:00'/);
});
