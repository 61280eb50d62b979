import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHttpDate } from '../../src/fetch/http-date.js';

const NOW = Date.UTC(2026, 11, 3);
const SUNDAY_1994 = Date.UTC(1994, 10, 6, 8, 49, 37);

test('the three HTTP-date forms of RFC 9110 section 5.6.7 name the same instant', () => {
  assert.equal(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT', NOW), SUNDAY_1994, 'IMF-fixdate');
  assert.equal(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', NOW), SUNDAY_1994, 'RFC 850');
  assert.equal(parseHttpDate('Sun Nov  6 08:49:37 1994', NOW), SUNDAY_1994, 'asctime, day padded with a space');
  assert.equal(parseHttpDate('Sun Nov 16 08:49:37 1994', NOW), Date.UTC(1994, 10, 16, 8, 49, 37), 'asctime, two-digit day');
  assert.equal(parseHttpDate(new Date(NOW + 4_000).toUTCString(), NOW), NOW + 4_000, "what Date's toUTCString (and most servers) send");
});

test('RFC 850 two-digit years: more than 50 years ahead means the century before', () => {
  assert.equal(parseHttpDate('Thursday, 01-Jan-76 00:00:00 GMT', NOW), Date.UTC(2076, 0, 1));
  assert.equal(parseHttpDate('Friday, 01-Jan-77 00:00:00 GMT', NOW), Date.UTC(1977, 0, 1));
  assert.equal(parseHttpDate('Saturday, 01-Jan-00 00:00:00 GMT', NOW), Date.UTC(2000, 0, 1));
});

test('anything else is not a date: garbage with a year, loose spellings, impossible dates', () => {
  for (const value of [
    'x 2099', '2099', 'soon', '1.5', '-3', '1e2', '', 'Thu, 01 Jan 2099', 'Thu Jan 01 2099 00:00:00 GMT+0000',
    '2099-01-01T00:00:00Z', 'Sun, 6 Nov 1994 08:49:37 GMT', 'Sun, 06 Nov 1994 08:49:37 UTC', 'sun, 06 nov 1994 08:49:37 gmt',
    'Sun, 06 Nov 1994 08:49:37 GMT x', 'Sun,  06 Nov 1994 08:49:37 GMT', 'Sun, 06-Nov-94 08:49:37 GMT', 'Sunday, 06 Nov 1994 08:49:37 GMT',
    'Sun Nov 6 08:49:37 1994', 'Sun, 31 Feb 2027 00:00:00 GMT', 'Sun, 06 Nov 1994 24:00:00 GMT', 'Sun, 06 Nov 1994 08:60:00 GMT',
    'Sun, 00 Nov 1994 08:49:37 GMT',
  ]) {
    assert.equal(parseHttpDate(value, NOW), null, JSON.stringify(value));
  }
});

test('a leap day exists only in a leap year', () => {
  assert.equal(parseHttpDate('Thu, 29 Feb 2028 00:00:00 GMT', NOW), Date.UTC(2028, 1, 29));
  assert.equal(parseHttpDate('Mon, 29 Feb 2027 00:00:00 GMT', NOW), null);
});
