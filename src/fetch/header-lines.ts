/**
 * Header lines that Chromium reads past but Node's parser refuses even when lenient, made into
 * what Chromium reads them as before Node sees them (on the lenient path, lenient-http.ts):
 *
 * - a line with no colon (a CGI script's stray output, a status written as a header): skipped,
 *   as Chromium's HttpUtil::HeadersIterator and Firefox skip it;
 * - spaces or tabs between a field name and its colon (`Content-Type : text/html`, old embedded
 *   servers): trimmed, as Chromium trims them; a name that is still no token (`Bad Name: x`) is
 *   a line Chromium skips, and is dropped;
 * - a Content-Length that is no number (empty, as PHP's `header('Content-Length: ' . $size)`
 *   sends when filesize() failed; `-1`; `+5`): Chromium takes the length as unknown and reads the
 *   body to the close, so every such line is dropped when no Content-Length line holds a number.
 *   Node's request on this path asks for the close. A mix of numbers and junk is left for the
 *   parser to refuse, as lengths that disagree are (content-length-lines.ts).
 *
 * Each of these failed the page on every attempt, with undici's "Invalid header token" or
 * "Invalid character in Content-Length", while browsers show it.
 */

/** RFC 9110 token characters. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const CONTENT_LENGTH_VALUE = /^[ \t]*\d+(?:[ \t]*,[ \t]*\d+)*[ \t]*$/;

/**
 * `head` (status line and header lines with their line endings, latin1, without the blank line)
 * with the lines above repaired; null when none needs it. A folded line (starting with a space or
 * tab) is a continuation, left for the lenient parser to join.
 */
export function repairHeaderLines(head: string): string | null {
  const lines = head.split('\n');
  const kept: string[] = [lines[0]!];
  const contentLengths: number[] = [];
  let hasNumericLength = false;
  let isChanged = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const bare = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (bare === '' || bare[0] === ' ' || bare[0] === '\t') {
      kept.push(line);
      continue;
    }
    const colon = bare.indexOf(':');
    // Blanks cut by a loop: /[ \t]+$/ tries each blank of a run inside the name to its end, so
    // a 70 KB line cost seconds.
    let nameEnd = colon;
    while (nameEnd > 0 && (bare[nameEnd - 1] === ' ' || bare[nameEnd - 1] === '\t')) nameEnd--;
    const name = colon === -1 ? '' : bare.slice(0, nameEnd);
    if (!TOKEN.test(name)) {
      isChanged = true;
      continue;
    }
    let repaired = line;
    if (name.length !== colon) {
      repaired = name + line.slice(colon);
      isChanged = true;
    }
    if (name.toLowerCase() === 'content-length') {
      contentLengths.push(kept.length);
      if (CONTENT_LENGTH_VALUE.test(bare.slice(colon + 1))) hasNumericLength = true;
    }
    kept.push(repaired);
  }
  if (contentLengths.length > 0 && !hasNumericLength) {
    isChanged = true;
    // One filter, not a splice per line: thousands of such lines cost their count squared.
    const dropped = new Set(contentLengths);
    return kept.filter((_, i) => !dropped.has(i)).join('\n');
  }
  return isChanged ? kept.join('\n') : null;
}
