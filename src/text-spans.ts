/**
 * A page's visible text, written as spans of its own HTML.
 *
 * The text is almost entirely substrings of the HTML it was extracted from, in document order:
 * text nodes, with separators between blocks and the odd entity or whitespace run rewritten.
 * So instead of storing the text (and paying a compressor to rediscover it as back-references
 * into the HTML), the frame stores a short recipe: copy `len` characters of the decoded HTML
 * `gap` characters after the end of the previous copy, or insert these literal characters.
 * On the 50 KB bench article the recipe is ~1 KB for 47 KB of text, and the compressor then
 * reads half as many bytes, which halved its time.
 *
 * The recipe refers to the HTML as a string (UTF-16 code units), decoded as the parser saw it;
 * content-frame.ts stores the encoding beside it so the same string can be rebuilt.
 *
 * Encoding, a sequence of LEB128 varints:
 *   copy:    (gap * 2)     len
 *   literal: (bytes * 2 + 1) then that many UTF-8 bytes
 */

/** Longest probe looked up in the HTML; a word or a few are plenty to land in the right place. */
const MAX_PROBE = 16;
/** Where the next text node is normally found: searched first, before the rest of the HTML. */
const NEAR_WINDOW = 8192;

const SPACE = 0x20;
const NEWLINE = 0x0a;

export function encodeTextSpans(html: string, text: string): Uint8Array {
  const out = new VarintWriter(Math.min(text.length, 1024) + 64);
  // Every failed search costs a scan of the HTML; a page built to fail them all (text made of
  // entities, say) falls back to literals once this budget of scanned characters is spent.
  let budget = 4 * (html.length + text.length) + 65_536;
  let h = 0;
  let t = 0;
  let literalFrom = -1;
  // The HTML's first '<' at or after the last copy's start, kept until a copy starts past it:
  // copies start in order, so each '<' search reads fresh HTML and a page stays linear time.
  let nextLt = -1;
  const flushLiteral = (end: number): void => {
    if (literalFrom === -1) return;
    out.literal(text, literalFrom, end);
    literalFrom = -1;
  };
  while (t < text.length) {
    const c = text.charCodeAt(t);
    let at = -1;
    // A surrogate pair is never split, so every literal is valid UTF-16 and survives UTF-8.
    let probeEnd = isHighSurrogate(c) && t + 1 < text.length ? t + 2 : t + 1;
    if (html.charCodeAt(h) === c) {
      at = h;
    } else if (c !== SPACE && c !== NEWLINE && budget > 0) {
      // A separator the extractor wrote (between blocks, or for a whitespace run) is rarely in
      // the HTML at this point; searching for it would only find markup. Words are looked up.
      while (probeEnd < text.length && probeEnd - t < MAX_PROBE) {
        const p = text.charCodeAt(probeEnd);
        if (p === SPACE || p === NEWLINE) break;
        probeEnd++;
      }
      if (isHighSurrogate(text.charCodeAt(probeEnd - 1)) && probeEnd < text.length) probeEnd++;
      at = find(html, text.slice(t, probeEnd), h);
      budget -= at === -1 ? html.length - h : at - h;
    }
    if (at === -1) {
      if (literalFrom === -1) literalFrom = t;
      t = probeEnd;
      continue;
    }
    if (nextLt < at) {
      nextLt = html.indexOf('<', at);
      if (nextLt === -1) nextLt = html.length;
    }
    let len = matchLength(html, at, text, t, nextLt);
    // A literal is stored as UTF-8, which cannot hold half of a surrogate pair: keep pairs whole.
    if (len > 0 && isHighSurrogate(text.charCodeAt(t + len - 1))) len--;
    if (len === 0) {
      if (literalFrom === -1) literalFrom = t;
      t = Math.max(probeEnd, t + 1);
      continue;
    }
    flushLiteral(t);
    out.copy(at - h, len);
    h = at + len;
    t += len;
  }
  flushLiteral(text.length);
  return out.bytes();
}

function isAscii(text: string, from: number, end: number): boolean {
  for (let k = from; k < end; k++) if (text.charCodeAt(k) >= 0x80) return false;
  return true;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/**
 * How many characters of text from `t` equal the HTML from `at`: the longest common prefix.
 * Slices compared with === run natively (V8 slices in O(1) and compares flat contents, stopping
 * at the first difference), ~30x faster per character than a charCodeAt loop, so blocks are
 * compared first, then the few characters left one by one. `lt`: the HTML's first '<' at or
 * after `at` (its length when none).
 */
function matchLength(html: string, at: number, text: string, t: number, lt: number): number {
  // Most copies are a whole text node, which ends at the next '<': one compare up to there
  // settles them, where blocks took one compare per 256 characters of a paragraph and ~6 more at
  // its end (a slice compare is a runtime call).
  let len = 0;
  const guess = Math.min(lt - at, text.length - t);
  if (guess >= 8 && html.slice(at, at + guess) === text.slice(t, t + guess)) {
    len = guess;
    // And mostly the text goes on with a separator where the HTML has that '<': then no block
    // below can match, and each failed compare was a runtime call (3 of the ~4 a copy cost).
    if (t + len >= text.length || at + len >= html.length || text.charCodeAt(t + len) !== html.charCodeAt(at + len)) return len;
  }
  // Three calls rather than a loop over [256, 32, 8]: that array and its iterator were built
  // on every call, ~1,000 times a page.
  len = matchBlocks(html, at, text, t, len, 256);
  len = matchBlocks(html, at, text, t, len, 32);
  len = matchBlocks(html, at, text, t, len, 8);
  while (t + len < text.length && at + len < html.length && text.charCodeAt(t + len) === html.charCodeAt(at + len)) len++;
  return len;
}

/** `len` grown by whole blocks while the HTML from `at` and the text from `t` keep matching. */
function matchBlocks(html: string, at: number, text: string, t: number, len: number, block: number): number {
  while (t + len + block <= text.length && html.slice(at + len, at + len + block) === text.slice(t + len, t + len + block)) len += block;
  return len;
}

/** Nearest occurrence of `probe` at or after `from`, looking close by first. */
function find(html: string, probe: string, from: number): number {
  if (html.length - from > NEAR_WINDOW) {
    // A sliced string costs O(1) in V8, and bounds the common search to the window.
    const near = html.slice(from, from + NEAR_WINDOW).indexOf(probe);
    if (near !== -1) return from + near;
    // Not close by (after a large inline script, say): the rest of the page, minus the window
    // already searched, less the probe's overlap.
    return html.indexOf(probe, from + NEAR_WINDOW - probe.length + 1);
  }
  return html.indexOf(probe, from);
}

/** Rebuilds the text from the HTML string and the recipe. Throws on a malformed recipe. */
export function decodeTextSpans(html: string, spans: Uint8Array): string {
  const reader = new VarintReader(spans);
  const parts: string[] = [];
  const decoder = new TextDecoder('utf-8');
  let h = 0;
  while (!reader.isDone) {
    const head = reader.next();
    const n = Math.floor(head / 2);
    if (head % 2 === 1) {
      parts.push(decoder.decode(reader.take(n)));
      continue;
    }
    const len = reader.next();
    const from = h + n;
    if (from + len > html.length) throw new RangeError('text span beyond the end of the HTML');
    parts.push(html.slice(from, from + len));
    h = from + len;
  }
  return parts.join('');
}

/**
 * Whether the recipe rebuilds exactly `text` from `html`: what decodeTextSpans(html, spans) ===
 * text answers, without building the text. Each op is compared where it lands, as slices (O(1)
 * in V8, compared natively), so checking a page costs a fraction of decoding it. A malformed
 * recipe is a mismatch, not a throw.
 */
export function textSpansMatch(html: string, spans: Uint8Array, text: string): boolean {
  const reader = new VarintReader(spans);
  let h = 0;
  let t = 0;
  try {
    while (!reader.isDone) {
      const head = reader.next();
      const n = Math.floor(head / 2);
      if (head % 2 === 1) {
        t = reader.matchLiteral(n, text, t);
        if (t === -1) return false;
        continue;
      }
      const len = reader.next();
      const from = h + n;
      if (from + len > html.length || t + len > text.length) return false;
      if (html.slice(from, from + len) !== text.slice(t, t + len)) return false;
      h = from + len;
      t += len;
    }
  } catch {
    return false;
  }
  return t === text.length;
}

const LITERAL_DECODER = new TextDecoder('utf-8');

class VarintWriter {
  #buf: Uint8Array;
  #at = 0;

  constructor(capacity: number) {
    this.#buf = new Uint8Array(capacity);
  }

  copy(gap: number, len: number): void {
    this.#varint(gap * 2);
    this.#varint(len);
  }

  /** text[from, end) as a literal. */
  literal(text: string, from: number, end: number): void {
    // Most literals are a separator or two: written in place, without a slice, a regular
    // expression or a Buffer per call.
    if (end - from <= 16 && isAscii(text, from, end)) {
      this.#varint((end - from) * 2 + 1);
      this.#room(end - from);
      for (let k = from; k < end; k++) this.#buf[this.#at++] = text.charCodeAt(k);
      return;
    }
    const bytes = Buffer.from(text.slice(from, end), 'utf8');
    this.#varint(bytes.length * 2 + 1);
    this.#room(bytes.length);
    this.#buf.set(bytes, this.#at);
    this.#at += bytes.length;
  }

  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#at);
  }

  #varint(value: number): void {
    this.#room(8);
    let v = value;
    while (v >= 0x80) {
      this.#buf[this.#at++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.#buf[this.#at++] = v;
  }

  #room(n: number): void {
    if (this.#at + n <= this.#buf.length) return;
    const bigger = new Uint8Array(Math.max(this.#buf.length * 2, this.#at + n));
    bigger.set(this.#buf.subarray(0, this.#at));
    this.#buf = bigger;
  }
}

class VarintReader {
  readonly #buf: Uint8Array;
  #at = 0;

  constructor(buf: Uint8Array) {
    this.#buf = buf;
  }

  get isDone(): boolean {
    return this.#at >= this.#buf.length;
  }

  next(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (this.#at >= this.#buf.length || scale > 2 ** 49) throw new RangeError('truncated text spans');
      const b = this.#buf[this.#at++] as number;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 0x80;
    }
  }

  /**
   * Reads the next `n` bytes, a literal's UTF-8, and returns where `text` goes on after it if it
   * holds that literal at `t`, else -1. Most literals are a separator the extractor wrote ("\n",
   * ~240 on a bench page): ASCII, whose bytes are its UTF-16 units one for one, so they are
   * compared in place; a subarray, a TextDecoder call and a string for each cost more than the
   * rest of the check.
   */
  matchLiteral(n: number, text: string, t: number): number {
    const buf = this.#buf;
    const at = this.#at;
    if (at + n > buf.length) throw new RangeError('truncated text spans');
    if (t + n <= text.length) {
      let k = 0;
      while (k < n && buf[at + k]! < 0x80 && buf[at + k] === text.charCodeAt(t + k)) k++;
      if (k === n) {
        this.#at = at + n;
        return t + n;
      }
      // A byte that is no ASCII unit of the text: a mismatch if ASCII, else decoded below.
      if (buf[at + k]! < 0x80) return -1;
    }
    const literal = LITERAL_DECODER.decode(this.take(n));
    return text.slice(t, t + literal.length) === literal ? t + literal.length : -1;
  }

  take(n: number): Uint8Array {
    if (this.#at + n > this.#buf.length) throw new RangeError('truncated text spans');
    const slice = this.#buf.subarray(this.#at, this.#at + n);
    this.#at += n;
    return slice;
  }
}
