/**
 * Visible text, collapsed as it arrives: each run of whitespace becomes one space, a run holding a
 * block boundary becomes one separator, with no leading or trailing space, capped at maxChars.
 *
 * It used to keep the raw pieces and collapse them at the end (join, a collapse pass, a trim and a
 * replaceAll of the block marker); that was over a third of extractPage's time on 50 KB pages.
 * Scanning each piece once where the tokenizer found it, and copying out only its word runs, does
 * the same work in one pass with no intermediate strings.
 */

const enum Pending {
  None,
  Space,
  Break,
}

export class TextBuffer {
  readonly #maxChars: number;
  readonly #separator: string;
  #out = '';
  #pending = Pending.None;

  constructor(maxChars: number, separator: string) {
    this.#maxChars = maxChars;
    this.#separator = separator;
  }

  /**
   * Adds source[start, end). With `isPreformatted` (inside <pre>) the author's "\n" is a block
   * boundary; spaces still collapse. NUL is a space, like every other C0 control.
   */
  append(source: string, start: number, end: number, isPreformatted = false): void {
    // Once maxChars characters are out, nothing later can change the first maxChars.
    if (this.#out.length >= this.#maxChars) return;
    let out = this.#out;
    let pending = this.#pending;
    // The range on its own (a slice costs O(1) in V8), for WORD_RUN to stop at its end: run on
    // the whole source it would read on into the markup after, on and on in a page of many small
    // text nodes with no whitespace between them.
    const piece = start === 0 && end === source.length ? source : source.slice(start, end);
    const length = piece.length;
    let i = 0;
    while (i < length) {
      const c = piece.charCodeAt(i);
      if (!isWord(c)) {
        if (c === 0x0a && isPreformatted) pending = Pending.Break;
        else if (pending === Pending.None) pending = Pending.Space;
        i++;
        continue;
      }
      if (pending !== Pending.None && out.length > 0) out += pending === Pending.Break ? this.#separator : ' ';
      pending = Pending.None;
      // The run of words goes out as one slice: a lone plain space between two word characters
      // stays inside it, so a line of words costs one slice, not one per word.
      // Found by a regular expression, whose compiled scan costs a fraction of a charCodeAt loop
      // per character.
      const runStart = i;
      WORD_RUN.lastIndex = i;
      WORD_RUN.test(piece);
      i = WORD_RUN.lastIndex;
      out += runStart === 0 && i === length ? piece : piece.slice(runStart, i);
    }
    this.#out = out;
    this.#pending = pending;
  }

  /** A block boundary: the text on either side goes on its own line. */
  breakLine(): void {
    this.#pending = Pending.Break;
  }

  space(): void {
    if (this.#pending === Pending.None) this.#pending = Pending.Space;
  }

  reset(): void {
    this.#out = '';
    this.#pending = Pending.None;
  }

  toString(): string {
    let s = this.#out;
    if (s.length > this.#maxChars) s = cutChars(s, this.#maxChars).trimEnd();
    return s;
  }
}

/**
 * `value` cut to at most maxChars UTF-16 units, never between the two halves of a surrogate
 * pair: a lone half is no character, stored JSON then holds its escape (`\ud83d`), which jq
 * refuses ("Invalid \uXXXX\uXXXX surrogate pair escape") and SQLite's `->>` turns into bytes
 * that are not UTF-8.
 */
export function cutChars(value: string, maxChars: number): string {
  if (value.length <= maxChars) return value;
  const last = value.charCodeAt(maxChars - 1);
  return value.slice(0, last >= 0xd800 && last <= 0xdbff ? maxChars - 1 : maxChars);
}

/** `value` collapsed like page text, on one line. */
export function collapse(value: string, maxChars: number): string {
  const buf = new TextBuffer(maxChars, ' ');
  buf.append(value, 0, value.length);
  return buf.toString();
}

/**
 * A run of word characters (isWord) where a lone plain space may stand between two of them: the
 * same characters as isWord and isWideSpace, as a class.
 */
const WORD_RUN = /[\x21-\x7e\x80-\x9f\xa1-\u167f\u1681-\u1fff\u200b-\u2027\u202a-\u202e\u2030-\u205e\u2060-\u2fff\u3001-\ufefe\uff00-\uffff]+(?: [\x21-\x7e\x80-\x9f\xa1-\u167f\u1681-\u1fff\u200b-\u2027\u202a-\u202e\u2030-\u205e\u2060-\u2fff\u3001-\ufefe\uff00-\uffff]+)*/y;

function isWord(c: number): boolean {
  return c > 0x20 && (c < 0x7f || !isWideSpace(c));
}

/**
 * Whitespace from 0x7f up, as JavaScript's \s sees it, plus DEL (junk in text, poison for SQLite
 * TEXT). Everything up to 0x20 is a space too: \s and the other C0 controls, NUL included.
 */
function isWideSpace(c: number): boolean {
  return (
    c === 0x7f || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}
