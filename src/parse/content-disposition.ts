/**
 * Whether a response asks to be saved rather than shown (`Content-Disposition: attachment`, RFC
 * 6266). Browsers download such a response whatever its type, so HTML served so is a file a
 * visitor saves (an "export as HTML", a user's upload served as a download so that it cannot run
 * in the site's origin, a saved mail), not a page of the site: its text is not what the site shows
 * and its links are no navigation of it. wget parses and follows it all the same; crawlite does as
 * browsers do and keeps it as a download (non-HTML: its metadata, its body with --store-non-html),
 * its links not followed (docs/hostile-web.md, Content).
 *
 * Read as Chromium reads it (HttpContentDisposition): the type is the value's first `;`-separated
 * part; none, `inline`, a part holding `=` (a parameter with no type before it,
 * `filename="a.html"`), or one that is no token, is shown inline. Any other token is a download,
 * an unknown one too (RFC 6266 section 4.2). The type is trimmed of spaces and tabs only
 * (HttpUtil::TrimLWS): String#trim also takes a no-break space (0xA0 in a latin1 header), a BOM
 * or a vertical tab off it, and "\xa0attachment", which Chromium shows inline, was a download.
 */

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

export function isAttachment(value: string | undefined): boolean {
  if (value === undefined) return false;
  const semi = value.indexOf(';');
  let [from, to] = [0, semi === -1 ? value.length : semi];
  while (from < to && isBlank(value[from])) from++;
  while (to > from && isBlank(value[to - 1])) to--;
  const type = value.slice(from, to);
  if (type === '' || !TOKEN.test(type)) return false;
  return type.toLowerCase() !== 'inline';
}
