/**
 * Lets an htmlparser2 Tokenizer jump over plain text with String#indexOf instead of visiting it
 * one character at a time. That loop was half of extractPage's time on 50 KB bench pages, and on
 * them this patch makes extractPage about 40% cheaper again.
 *
 * In the Text state the Tokenizer (htmlparser2 10.1, decodeEntities on) reacts only to "<" and
 * "&": every other character is a no-op that advances `index`. So moving `index` to just before
 * the next "<" or "&" is the same as stepping there, and it is what the Tokenizer's own
 * fastForwardTo does when entities are not decoded. The positions found are kept until passed,
 * so each indexOf scans fresh text and a page stays linear time.
 *
 * This reaches into the Tokenizer's private members (stateText, buffer, index, offset). If a
 * release renames them the patch is not installed and parsing stays correct, only slower; if one
 * changes what they mean, the emitHtmlEvents tests against htmlparser2's own Parser fail.
 */
import type { Tokenizer } from 'htmlparser2';

interface TokenizerInternals {
  stateText(c: number): void;
  buffer: string;
  index: number;
  offset: number;
}

const LT = 0x3c;
const AMP = 0x26;

export function skipPlainText(tokenizer: Tokenizer): void {
  const t = tokenizer as unknown as TokenizerInternals;
  const stateText = t.stateText;
  if (typeof stateText !== 'function' || typeof t.buffer !== 'string' || typeof t.index !== 'number' ||
    typeof t.offset !== 'number') {
    return;
  }
  let buffer = '';
  let nextLt = -1;
  let nextAmp = -1;
  t.stateText = function (this: TokenizerInternals, c: number): void {
    if (c === LT || c === AMP) {
      stateText.call(this, c);
      return;
    }
    if (this.buffer !== buffer) {
      buffer = this.buffer;
      nextLt = nextAmp = -1;
    }
    const from = this.index - this.offset + 1;
    if (nextLt < from) nextLt = indexOrEnd(buffer, '<', from);
    if (nextAmp < from) nextAmp = indexOrEnd(buffer, '&', from);
    // The parse loop adds one after each state call, as after fastForwardTo.
    this.index = Math.min(nextLt, nextAmp) + this.offset - 1;
  };
}

function indexOrEnd(s: string, search: string, from: number): number {
  const i = s.indexOf(search, from);
  return i === -1 ? s.length : i;
}
