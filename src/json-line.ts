/**
 * One JSON value on one line, for the outputs read line by line: `export --format jsonl`,
 * `search --json` and `--log-format json`.
 *
 * The line breaks of Unicode that JSON.stringify leaves raw (NEL, LINE SEPARATOR, PARAGRAPH
 * SEPARATOR): a page's text can hold them, and Python's `str.splitlines()` breaks a line there,
 * so `for line in text.splitlines(): json.loads(line)` failed on such a page (5 of 27 "lines" of a
 * 23-page export). Written as escapes, the same JSON value, as Python's json.dumps writes them.
 */
const UNICODE_BREAKS = /[\u0085\u2028\u2029]/g;
const escapeBreak = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * `value` as one line of JSON, ending "\n". Three indexOf calls first: on the bench's pages with
 * text and HTML (97,000 characters a line) they cost 0.02 ms a line, the regex scan 0.09 ms.
 */
export function jsonLine(value: unknown): string {
  const json = JSON.stringify(value);
  const isPlain = json.indexOf('\u2028') === -1 && json.indexOf('\u2029') === -1 && json.indexOf('\u0085') === -1;
  return `${isPlain ? json : json.replace(UNICODE_BREAKS, escapeBreak)}\n`;
}

