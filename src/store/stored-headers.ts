/**
 * The response headers a page row keeps (pages.headers), bounded. A head may be up to 256 KiB
 * (fetch/interim-responses.ts, as in Chromium), and a site that sets hundreds of cookies per
 * response (a tracking or A/B script gone wild) stored ~214 KB of Set-Cookie in every page row,
 * a 1,000-page crawl a fifth of a GB of cookies nobody reads, and every export carried them.
 *
 * What is read from the headers (X-Robots-Tag, Refresh, Link, Content-Language, Retry-After, the
 * validators of a recrawl) is read from the whole response before this. What is stored: all of a
 * head of up to MAX_STORED_CHARS (names and values), which covers real heads, a long
 * Content-Security-Policy included. Past that, each field longer than MAX_FIELD_CHARS is cut to it
 * (a field of several lines, Set-Cookie, to its first whole lines; any other at that many
 * characters), and if the head is still too long the longest fields (name and value: a head's one
 * field may be all name) are dropped whole until it fits with room for the note: the short ones
 * users query (content-type, etag, cache-control, server) stay. What was cut or dropped is said
 * under the name `crawlite:cut` (no header has a colon in its name), e.g.
 * `set-cookie: 38 of 1000 lines kept, 8.0 KiB of 214.8 KiB`; a name longer than MAX_NOTED_NAME_CHARS
 * is named by its start and its length, so that the note stays within NOTE_ROOM.
 */
import { formatBinaryBytes } from '../format-numbers.js';

/** A head up to this many characters (names and values) is stored whole. */
export const MAX_STORED_CHARS = 32 * 1024;
/** Past MAX_STORED_CHARS, each field is cut to this many characters. */
export const MAX_FIELD_CHARS = 8 * 1024;
/** The key that says what was cut: no header name holds a colon (RFC 9110 token). */
export const CUT_KEY = 'crawlite:cut';
/** The `crawlite:cut` value names at most this many fields. */
const MAX_NOTED_FIELDS = 20;
/** A field's name in the note: at most this many of its characters. */
const MAX_NOTED_NAME_CHARS = 64;
/**
 * A field's entry in the note at most: a cut name (with its length) and the longest note cutValue
 * writes (`1000000 of 1000000 lines kept, 1023.9 KiB of 1023.9 KiB`), with room to spare.
 */
const MAX_NOTE_ENTRY_CHARS = MAX_NOTED_NAME_CHARS + 32 + 80;
/** What the note may take of MAX_STORED_CHARS: its key, its entries and their `; `, and the closing `and N more fields`. */
const NOTE_ROOM = CUT_KEY.length + MAX_NOTED_FIELDS * (MAX_NOTE_ENTRY_CHARS + 2) + 40;

/** A name as the note says it: a long one by its start and its length. */
function notedName(name: string): string {
  return name.length <= MAX_NOTED_NAME_CHARS ? name : `${name.slice(0, MAX_NOTED_NAME_CHARS)}… (${name.length} characters)`;
}

/** `value` cut to at most `max` characters: whole lines for a field of several ("\n"), else its start. */
function cutValue(value: string, max: number): { value: string; note: string } {
  if (value.includes('\n')) {
    const lines = value.split('\n');
    let kept = 0;
    // Each line after the first costs its "\n" too.
    let size = -1;
    for (const line of lines) {
      if (size + 1 + line.length > max) break;
      size += 1 + line.length;
      kept++;
    }
    // A first line longer than the cap: its start, as for a field of one line.
    if (kept === 0) return { value: lines[0]!.slice(0, max), note: `1 of ${lines.length} lines kept, cut at ${formatBinaryBytes(max)}` };
    const out = lines.slice(0, kept).join('\n');
    return { value: out, note: `${kept} of ${lines.length} lines kept, ${formatBinaryBytes(out.length)} of ${formatBinaryBytes(value.length)}` };
  }
  return { value: value.slice(0, max), note: `cut at ${formatBinaryBytes(max)} of ${formatBinaryBytes(value.length)}` };
}

/**
 * `headers` within MAX_STORED_CHARS, as the module comment says. A `crawlite:cut` among them is the
 * note of a row bounded before (a recrawl's refreshed validators merged into it, store/recrawl.ts):
 * it is no field, and what it said stays said after this pass's own entries.
 */
export function boundHeaders(headers: Record<string, string>): Record<string, string> {
  let total = 0;
  for (const name in headers) total += name.length + headers[name]!.length;
  if (total <= MAX_STORED_CHARS) return headers;
  const notes = new Map<string, string>();
  const out: Record<string, string> = {};
  total = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (name === CUT_KEY) continue;
    if (value.length <= MAX_FIELD_CHARS) out[name] = value;
    else {
      const cut = cutValue(value, MAX_FIELD_CHARS);
      out[name] = cut.value;
      notes.set(name, cut.note);
    }
    total += name.length + out[name]!.length;
  }
  if (total > MAX_STORED_CHARS - NOTE_ROOM) {
    const cost = (name: string) => name.length + out[name]!.length;
    const longest = Object.keys(out).sort((a, b) => cost(b) - cost(a));
    for (const name of longest) {
      if (total <= MAX_STORED_CHARS - NOTE_ROOM) break;
      total -= name.length + out[name]!.length;
      notes.set(name, `dropped, ${formatBinaryBytes(headers[name]!.length)}`);
      delete out[name];
    }
  }
  const entries = [...notes].map(([name, note]) => `${notedName(name)}: ${note}`);
  let unnamed = 0;
  const named = new Set([...notes.keys()].map(notedName));
  for (const entry of headers[CUT_KEY]?.split('; ') ?? []) {
    const more = /^and (\d+) more fields$/.exec(entry);
    if (more !== null) unnamed += Number(more[1]);
    // Names hold no ';' (RFC 9110 token), so entries split cleanly; one of a row written before
    // names were cut in the note is cut here.
    else if (!named.has(entry.slice(0, entry.indexOf(': ')))) entries.push(entry.slice(0, MAX_NOTE_ENTRY_CHARS));
  }
  const noted = entries.slice(0, MAX_NOTED_FIELDS);
  unnamed += entries.length - noted.length;
  if (unnamed > 0) noted.push(`and ${unnamed} more fields`);
  out[CUT_KEY] = noted.join('; ');
  return out;
}
