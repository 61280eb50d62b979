/**
 * Where a <script> really ends, for the one case htmlparser2's Tokenizer gets wrong: the HTML
 * spec's "script data double escaped" state. In `<script><!--<script>...</script>...--></script>`
 * the inner `</script>` only leaves the double escape; the script goes on to the outer one. The
 * Tokenizer ends it at the first `</script`, and the rest of the script was read as markup, so
 * links and text inside a script were extracted. parse5 (and every browser) does as below.
 *
 * States (HTML spec 13.2.5.15-32, dashes and tag names only, as nothing else matters for the end):
 * data: `<!--` escapes, `</script` ends; escaped: `-->` back to data, `</script` ends,
 * `<script` double-escapes; double escaped: `-->` back to data, `</script` back to escaped.
 * A tag name counts when followed by whitespace, `/` or `>`.
 */
const IN_ESCAPED = /-->|<(\/?)script[\t\n\f\r />]/gi;
const IN_DOUBLE = /-->|<\/script[\t\n\f\r />]/gi;
const IN_DATA = /<!--|<\/script[\t\n\f\r />]/gi;

/**
 * The index of the `<` of the `</script` that ends a script whose content starts at `from`
 * (html.length when none does), or -1 when no double escape is entered on the way, so the
 * Tokenizer's own end is right. Linear in the script's length.
 */
export function doubleEscapedScriptEnd(html: string, from: number): number {
  let state: 'data' | 'escaped' | 'double' = 'data';
  let isDoubleEscaped = false;
  let i = from;
  for (;;) {
    const re = state === 'data' ? IN_DATA : state === 'escaped' ? IN_ESCAPED : IN_DOUBLE;
    re.lastIndex = i;
    const m = re.exec(html);
    if (m === null) return isDoubleEscaped ? html.length : -1;
    const token = m[0];
    if (state === 'data') {
      if (token[1] === '/') return isDoubleEscaped ? m.index : -1;
      // "<!--" leaves the script in "escaped dash dash": more dashes, then ">" is data again ("<!-->").
      i = m.index + 4;
      while (html.charCodeAt(i) === 0x2d) i++;
      if (html.charCodeAt(i) === 0x3e) i++;
      else state = 'escaped';
    } else if (token === '-->') {
      state = 'data';
      i = m.index + 3;
    } else if (state === 'escaped') {
      if (m[1] === '/') return isDoubleEscaped ? m.index : -1;
      state = 'double';
      isDoubleEscaped = true;
      i = m.index + token.length - 1; // the delimiter is read again: it may be the ">" of nothing
    } else {
      state = 'escaped';
      i = m.index + token.length - 1;
    }
  }
}
