/**
 * HTTP-date (RFC 9110 section 5.6.7), read strictly. Date.parse is not used: it accepts almost
 * anything with a year in it ("x 2099" is 1 January 2099), and a Retry-After read that way holds a
 * host for the whole cap. The three forms a recipient must accept:
 *
 *   IMF-fixdate  Sun, 06 Nov 1994 08:49:37 GMT
 *   RFC 850      Sunday, 06-Nov-94 08:49:37 GMT   (obsolete)
 *   asctime      Sun Nov  6 08:49:37 1994         (obsolete)
 *
 * Names are case-sensitive, as the grammar says. The weekday is not checked against the date: the
 * RFC gives it no meaning beyond the syntax.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const DAY_LONG = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
const RFC850 = new RegExp(`^${DAY_LONG}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
const ASCTIME = new RegExp(`^${DAY} ${MONTH} (\\d{2}| \\d) ${TIME} (\\d{4})$`);

/** Milliseconds since the epoch for an HTTP-date, or null for anything else (an impossible date included). */
export function parseHttpDate(text: string, now = Date.now()): number | null {
  let m = IMF_FIXDATE.exec(text);
  if (m) return toTime(m[3]!, m[2]!, m[1]!, m[4]!, m[5]!, m[6]!);
  m = RFC850.exec(text);
  if (m) return toTime(String(fullYear(Number(m[3]), now)), m[2]!, m[1]!, m[4]!, m[5]!, m[6]!);
  m = ASCTIME.exec(text);
  if (m) return toTime(m[6]!, m[1]!, m[2]!.trim(), m[3]!, m[4]!, m[5]!);
  return null;
}

/**
 * RFC 9110: a two-digit year that would be more than 50 years in the future is the most recent
 * past year with the same last two digits.
 */
function fullYear(twoDigits: number, now: number): number {
  const thisYear = new Date(now).getUTCFullYear();
  let year = Math.floor(thisYear / 100) * 100 + twoDigits;
  if (year > thisYear + 50) year -= 100;
  return year;
}

function toTime(year: string, month: string, day: string, hour: string, minute: string, second: string): number | null {
  const y = Number(year);
  const mo = MONTHS.indexOf(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second);
  // 60 is a leap second (the grammar allows it); it is read as the next second.
  if (h > 23 || mi > 59 || s > 60) return null;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0-99 as 1900-1999.
  date.setUTCFullYear(y, mo, d);
  // 31 Feb would roll over into March; such a date is not one.
  if (date.getUTCMonth() !== mo || date.getUTCDate() !== d) return null;
  return date.getTime() + ((h * 60 + mi) * 60 + s) * 1000;
}
